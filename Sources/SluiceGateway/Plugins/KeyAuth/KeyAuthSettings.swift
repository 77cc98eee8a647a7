internal import Crypto

/// `key_auth`: an API key from a header (or a query parameter) that must be one of the configured keys.
/// Keys are kept only as SHA-256 digests, as a keys file holds them at rest: a request's key is hashed and
/// looked up, so neither the file nor memory holds a usable key, and the lookup's time says nothing about how
/// much of a key was right.
public struct KeyAuthSettings: Sendable, Hashable {
    var header: String?
    var query: String?
    /// Consumer name by key digest.
    var consumers: [KeyDigest: String]
    /// The header the consumer's name is sent in (any copy the client sent is dropped first).
    var consumerHeader: String?
    /// When set, only these consumers may use the route; other valid keys are refused with 403.
    var allowedConsumers: [String]?
    /// The key's header is not passed on.
    var hideCredentials: Bool

    /// The request's key: its consumer goes into `pass`; a missing or unknown key is refused (401), a consumer the
    /// route does not allow too (403).
    func authenticate(_ request: FlowRequestItems, pass: inout PluginPass) -> GatewayError? {
        let key = header.flatMap { request.header($0) } ?? query.flatMap { request.urlParam($0) }
        guard let key, !key.isEmpty else {
            let place = header.map { "header '\($0)'" } ?? query.map { "query parameter '\($0)'" } ?? "request"
            return GatewayError(.unauthorized, "no API key in the \(place)", plugin: .keyAuth, challenge: challenge)
        }
        guard let consumer = consumers[KeyDigest(key: key)] else {
            return GatewayError(.unauthorized, "the API key is not valid", plugin: .keyAuth, challenge: challenge)
        }
        pass.consumer = consumer
        if let allowedConsumers, !allowedConsumers.contains(consumer) {
            return GatewayError(.forbidden, "consumer '\(consumer)' may not use this route", plugin: .keyAuth)
        }
        return nil
    }

    /// `WWW-Authenticate` of a 401: no registered scheme exists for API keys, so it names where one goes.
    var challenge: String {
        var value = "ApiKey realm=\"sluice\""
        if let header { value += ", header=\"\(header)\"" }
        if let query { value += ", query=\"\(query)\"" }
        return value
    }
}

/// A key's SHA-256 digest.
struct KeyDigest: Sendable, Hashable {
    let bytes: [UInt8]

    init(key: some StringProtocol) {
        bytes = Array(SHA256.hash(data: Array(key.utf8)))
    }

    /// 64 hex digits, as `sha256sum` prints them.
    init?(hex: String) {
        let digits = Array(hex.utf8)
        guard digits.count == 64 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        var index = 0
        while index < 64 {
            guard let high = Self.nibble(digits[index]), let low = Self.nibble(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        self.bytes = bytes
    }

    private static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
