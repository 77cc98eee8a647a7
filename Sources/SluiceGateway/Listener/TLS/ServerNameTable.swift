/// Which certificate answers a TLS client hello's server name: exact names first, then `*.suffix`
/// wildcards (one label, as RFC 6125 §6.4.3 allows), else the listener's default.
struct ServerNameTable<Value: Sendable>: Sendable {
    private var exact: [String: Value] = [:]
    private var wildcard: [String: Value] = [:]

    init(_ entries: [(pattern: String, value: Value)]) {
        for (pattern, value) in entries {
            let name = pattern.lowercased()
            if name.hasPrefix("*.") {
                wildcard[String(name.dropFirst(2))] = value
            } else {
                exact[name] = value
            }
        }
    }

    func lookup(_ serverName: String) -> Value? {
        var name = serverName.lowercased()
        if name.hasSuffix(".") { name.removeLast() }
        if let value = exact[name] { return value }
        guard let dot = name.firstIndex(of: "."), name.startIndex != dot else { return nil }
        return wildcard[String(name[name.index(after: dot)...])]
    }
}

extension ListenerTLS.NamedCertificate {
    /// A DNS name (letters, digits, `-`, dot-separated labels of 1–63 bytes), optionally `*.` in front.
    static func isValidPattern(_ pattern: String) -> Bool {
        let name = pattern.hasPrefix("*.") ? pattern.dropFirst(2) : Substring(pattern)
        guard !name.isEmpty, name.utf8.count <= 253 else { return false }
        return name.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            (1...63).contains(label.utf8.count) && label.first != "-" && label.last != "-"
                && label.utf8.allSatisfy { byte in
                    switch byte {
                    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                        UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"):
                        return true
                    default:
                        return false
                    }
                }
        }
    }
}
