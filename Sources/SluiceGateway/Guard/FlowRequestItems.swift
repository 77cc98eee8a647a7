internal import NIOCore
internal import SluiceFlow

/// The request parts flow-control rules key on (a client's IP, a header, a query parameter, a cookie), read
/// on demand: a request no rule asks about pays nothing.
struct FlowRequestItems: GatewayRequestItems {
    let headers: GatewayHeaders
    /// The raw query after `?`.
    let query: Substring
    /// The peer's IP address (not `X-Forwarded-For`: the gateway is the edge).
    let remoteAddress: String?

    init(_ request: GatewayRequest) {
        self.init(headers: request.headers, query: request.query, remoteAddress: request.clientAddress)
    }

    init(headers: GatewayHeaders, query: Substring, remoteAddress: String?) {
        self.headers = headers
        self.query = query
        self.remoteAddress = remoteAddress
    }

    func header(_ name: String) -> String? { headers.first(name) }

    /// The first value of query parameter `name`, percent-decoded (`+` is a space).
    func urlParam(_ name: String) -> String? {
        for pair in query.utf8.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let equals = pair.firstIndex(of: UInt8(ascii: "="))
            guard RequestBinder.keyMatches(pair[..<(equals ?? pair.endIndex)], name) else { continue }
            let rawValue = equals.map { pair[pair.index(after: $0)...] } ?? pair[pair.endIndex...]
            return PercentDecoding.decode(rawValue, plusAsSpace: true)
        }
        return nil
    }

    /// The first cookie named `name` in any `Cookie` field.
    func cookie(_ name: String) -> String? {
        for header in headers where GatewayHeaders.sameName(header.name, "cookie") {
            for pair in header.value.split(separator: ";") {
                let trimmed = pair.drop { $0 == " " }
                guard let equals = trimmed.firstIndex(of: "="), trimmed[..<equals] == name else { continue }
                var value = trimmed[trimmed.index(after: equals)...]
                if value.count >= 2, value.first == "\"", value.last == "\"" { value = value.dropFirst().dropLast() }
                return String(value)
            }
        }
        return nil
    }
}
