/// `ip_restriction`: allow and deny lists of CIDR blocks on the client's address, which is the connection's
/// peer, or, when that peer is a trusted proxy, the nearest untrusted address in `X-Forwarded-For` (read right
/// to left, as each proxy appends the address it saw).
public struct IPRestrictionSettings: Sendable, Hashable {
    var allow: [IPNetwork]
    var deny: [IPNetwork]
    var trustedProxies: [IPNetwork]

    /// Deny wins over allow; with an allow list, an address on neither is refused.
    func permits(_ address: IPAddress) -> Bool {
        if deny.contains(where: { $0.contains(address) }) { return false }
        return allow.isEmpty || allow.contains { $0.contains(address) }
    }

    /// The address the lists are checked against; nil when the peer's or a forwarded address is not an address.
    func clientAddress(peer: String?, forwardedFor: [String]) -> IPAddress? {
        guard let peer, var current = IPAddress(peer) else { return nil }
        guard isTrusted(current) else { return current }
        for field in forwardedFor.reversed() {
            for hop in field.split(separator: ",").reversed() {
                guard let address = IPAddress(hop.trimmingASCIISpaces) else { return nil }
                current = address
                if !isTrusted(address) { return address }
            }
        }
        return current
    }

    private func isTrusted(_ address: IPAddress) -> Bool { trustedProxies.contains { $0.contains(address) } }

    /// The refusal (403) of a request from an address the lists do not let in; nil when they do.
    func check(_ request: FlowRequestItems) -> GatewayError? {
        let forwarded = trustedProxies.isEmpty ? [] : request.headers.values("x-forwarded-for")
        if let address = clientAddress(peer: request.remoteAddress, forwardedFor: forwarded), permits(address) { return nil }
        return GatewayError(.forbidden, "the client address \(request.remoteAddress ?? "unknown") is not allowed", plugin: .ipRestriction)
    }
}

extension Substring {
    var trimmingASCIISpaces: Substring {
        var text = self
        while let first = text.utf8.first, first == 0x20 || first == 0x09 { text = text.dropFirst() }
        while let last = text.utf8.last, last == 0x20 || last == 0x09 { text = text.dropLast() }
        return text
    }
}
