internal import Yams

extension PluginReader {
    /// Fields whose meaning is the connection's or the message framing's: the gateway writes them.
    static let reservedHeaders = [
        "content-length", "transfer-encoding", "connection", "keep-alive", "upgrade", "te", "trailer", "proxy-connection",
    ]
    /// On answers the gateway makes, it writes these from the answer itself. (`server` may be edited: on a
    /// proxied answer it is the upstream's; on the gateway's own answers the listener writes its own.)
    static let reservedResponseHeaders = reservedHeaders + ["content-type"]

    mutating func headers(_ node: Node) -> HeaderRewriteSettings? {
        guard let fields = reader.fields(of: node, what: "'headers'", allowed: ["request", "response"]) else { return nil }
        guard !fields.isEmpty else {
            reader.error(at: node, "'headers' needs 'request' or 'response' edits")
            return nil
        }
        var settings = HeaderRewriteSettings()
        var valid = true
        if let field = fields["request"] {
            if let edits = edits(field.value, what: "'request'", reserved: Self.reservedHeaders) { settings.request = edits } else { valid = false }
        }
        if let field = fields["response"] {
            if let edits = edits(field.value, what: "'response'", reserved: Self.reservedResponseHeaders) {
                settings.response = edits
            } else {
                valid = false
            }
        }
        return valid ? settings : nil
    }

    private mutating func edits(_ node: Node, what: String, reserved: [String]) -> HeaderRewriteSettings.Edits? {
        guard let fields = reader.fields(of: node, what: what, allowed: ["add", "set", "remove"]) else { return nil }
        var edits = HeaderRewriteSettings.Edits()
        var valid = true
        func checked(_ name: String, at node: Node) -> Bool {
            guard !reserved.contains(name) else {
                reader.error(at: node, "'\(name)' is written by the gateway and cannot be edited in \(what)")
                return false
            }
            return true
        }
        if let field = fields["remove"] {
            for item in reader.sequence(field.value, what: "'remove'") ?? [] {
                if let name = headerName(item, what: "a header in 'remove'"), checked(name, at: item) { edits.remove.append(name) } else { valid = false }
            }
            if field.value.sequence == nil { valid = false }
        }
        for key in ["set", "add"] {
            guard let field = fields[key] else { continue }
            guard let mapping = field.value.mapping else {
                reader.error(at: field.value, "'\(key)' must be a mapping of header name to value")
                valid = false
                continue
            }
            for (nameNode, valueNode) in mapping {
                guard let name = headerName(nameNode, what: "a header in '\(key)'"), checked(name, at: nameNode),
                    let value = reader.string(valueNode, what: "the value of '\(name)'")
                else {
                    valid = false
                    continue
                }
                guard !value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0 }) else {
                    reader.error(at: valueNode, "the value of '\(name)' has a line break or NUL")
                    valid = false
                    continue
                }
                if key == "set" { edits.set.append((name, value)) } else { edits.add.append((name, value)) }
            }
        }
        return valid ? edits : nil
    }
}
