/// A backend address.
public struct Endpoint: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `host:port` or `[v6]:port`; nil unless the host is non-empty and the port is in 1...65535.
    public init?(parsing text: String) {
        guard let (host, port) = Self.split(text), port >= 1 else { return nil }
        self.host = host
        self.port = port
    }

    /// `host:port` or `[v6]:port` split apart; nil unless the host is non-empty and the port is in
    /// 0...65535 (listeners accept 0).
    public static func split(_ text: String) -> (host: String, port: Int)? {
        let host: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else { return nil }
            portText = rest.dropFirst()
        } else {
            guard let colon = text.lastIndex(of: ":") else { return nil }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
            // An unbracketed IPv6 address is ambiguous.
            if host.contains(":") { return nil }
        }
        guard !host.isEmpty, !host.contains(where: \.isWhitespace),
            !portText.isEmpty, portText.allSatisfy(\.isASCII), let port = Int(portText), (0...65535).contains(port)
        else { return nil }
        return (String(host), port)
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
