internal import NIOHTTP1

/// The header fields a proxied request and response carry on: the sender's own minus the hop-by-hop ones
/// (RFC 9110 §7.6.1), and on requests the `X-Forwarded-*` and `Forwarded` (RFC 7239) fields saying who asked.
enum ProxyHeaders {
    /// Fields about one connection, never forwarded (RFC 9110 §7.6.1, plus the non-standard
    /// `Proxy-Connection` and `Keep-Alive` clients still send). `Transfer-Encoding` is re-framed by each hop;
    /// `Expect` is answered by the gateway itself (it sends `100 Continue`), so the upstream never sees it.
    static let hopByHop: [String] = [
        "connection", "keep-alive", "proxy-connection", "te", "transfer-encoding", "upgrade",
        "proxy-authenticate", "proxy-authorization", "trailer", "expect",
    ]

    /// Who sent the request, as the gateway saw it.
    struct Origin: Sendable, Hashable {
        /// The client's IP address; nil when the socket has none (a Unix socket).
        var clientAddress: String?
        /// `http` (TLS listeners will say `https`).
        var scheme: String
    }

    /// `headers` without the hop-by-hop fields and those `Connection` names.
    /// Names are compared without lowercasing copies: this runs on every proxied request and response.
    static func removingHopByHop(_ headers: HTTPHeaders) -> HTTPHeaders {
        // Only names not already hop-by-hop are kept (`Connection: keep-alive` then allocates nothing).
        var named: [Substring] = []
        for field in headers where field.name.equalsIgnoringASCIICase("connection") {
            for token in field.value.split(separator: ",") {
                let name = token.trimmingASCIISpaces()
                if !name.isEmpty && !isHopByHop(name) { named.append(name) }
            }
        }
        var result = HTTPHeaders()
        result.reserveCapacity(headers.count + 4)
        for field in headers {
            if isHopByHop(field.name) || named.contains(where: { $0.equalsIgnoringASCIICase(field.name) }) { continue }
            result.add(name: field.name, value: field.value)
        }
        return result
    }

    private static func isHopByHop(_ name: some StringProtocol) -> Bool {
        hopByHop.contains { name.equalsIgnoringASCIICase($0) }
    }

    /// The fields sent upstream for a request that arrived with `headers`: end-to-end fields as they came,
    /// `X-Forwarded-For` and `Forwarded` appended to, `X-Forwarded-Proto` and `-Host` set (a client's own
    /// would claim a scheme or host the gateway did not see). `Host` passes through; a request without one
    /// (HTTP/1.0) gets `fallbackHost`, the upstream's address, when it is known here (an exchange adds its
    /// attempt's endpoint instead).
    static func request(_ headers: HTTPHeaders, origin: Origin, fallbackHost: String?) -> HTTPHeaders {
        var result = removingHopByHop(headers)
        // An upgrade is the one hop-by-hop request the proxy passes on: the tunnel spans both hops.
        if isWebSocketUpgrade(headers) {
            result.add(name: "Connection", value: "Upgrade")
            result.add(name: "Upgrade", value: "websocket")
        }
        let host = headers.first(name: "host")
        let forwardedFor = headers["x-forwarded-for"]
        result.remove(name: "x-forwarded-for")
        result.remove(name: "x-forwarded-proto")
        result.remove(name: "x-forwarded-host")
        if host == nil, let fallbackHost { result.add(name: "Host", value: fallbackHost) }
        if let client = origin.clientAddress {
            result.add(name: "X-Forwarded-For", value: forwardedFor.isEmpty ? client : (forwardedFor + [client]).joined(separator: ", "))
        } else if !forwardedFor.isEmpty {
            result.add(name: "X-Forwarded-For", value: forwardedFor.joined(separator: ", "))
        }
        result.add(name: "X-Forwarded-Proto", value: origin.scheme)
        if let host { result.add(name: "X-Forwarded-Host", value: host) }
        let forwarded = headers["forwarded"]
        result.remove(name: "forwarded")
        let element = forwardedElement(origin: origin, host: host)
        result.add(name: "Forwarded", value: forwarded.isEmpty ? element : (forwarded + [element]).joined(separator: ", "))
        return result
    }

    /// `Connection: upgrade` with `Upgrade: websocket` (RFC 6455 §4.1): the only upgrade relayed.
    static func isWebSocketUpgrade(_ headers: HTTPHeaders) -> Bool {
        headers[canonicalForm: "connection"].contains { $0.lowercased() == "upgrade" }
            && headers["upgrade"].contains { $0.lowercased().contains("websocket") }
    }

    /// One RFC 7239 element: `for=192.0.2.1;host=example.com;proto=http`. IPv6 addresses and any value that is
    /// not a token are quoted (§6). Built in one string: it is made for every proxied request.
    static func forwardedElement(origin: Origin, host: String?) -> String {
        var element = "for="
        element.reserveCapacity(32 + (origin.clientAddress?.utf8.count ?? 0) + (host?.utf8.count ?? 0))
        if let client = origin.clientAddress {
            if client.utf8.contains(UInt8(ascii: ":")) {
                element += "\"["
                element += client
                element += "]\""
            } else {
                element += client
            }
        } else {
            element += "unknown"
        }
        if let host {
            element += ";host="
            appendQuotedIfNeeded(host, to: &element)
        }
        element += ";proto="
        element += origin.scheme
        return element
    }

    private static func appendQuotedIfNeeded(_ value: String, to element: inout String) {
        if !value.isEmpty && value.utf8.allSatisfy(isTokenByte) { return element += value }
        element += "\""
        for character in value.unicodeScalars {
            if character == "\\" || character == "\"" { element += "\\" }
            element.unicodeScalars.append(character)
        }
        element += "\""
    }

    /// RFC 9110 §5.6.2 `tchar`.
    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"), UInt8(ascii: "'"),
            UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "^"), UInt8(ascii: "_"),
            UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            true
        default:
            false
        }
    }
}

extension StringProtocol {
    func trimmingASCIISpaces() -> Substring {
        var text = Substring(self)
        while let first = text.first, first == " " || first == "\t" { text = text.dropFirst() }
        while let last = text.last, last == " " || last == "\t" { text = text.dropLast() }
        return text
    }

    func equalsIgnoringASCIICase(_ other: some StringProtocol) -> Bool {
        utf8.elementsEqual(other.utf8) { a, b in
            a == b || (a ^ b == 0x20 && (a | 0x20) >= UInt8(ascii: "a") && (a | 0x20) <= UInt8(ascii: "z"))
        }
    }
}
