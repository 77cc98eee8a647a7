internal import NIOCore

/// A `grpc-timeout` header value (gRPC over HTTP/2: `TimeoutValue TimeoutUnit`, at most 8 digits, a unit of
/// `H`, `M`, `S`, `m`, `u` or `n`). A pass-through request carries it on unchanged; the gateway reads it only
/// to wait for the response head as long as the client itself will.
enum GRPCTimeout {
    /// `nil` for a value that is not one.
    static func parse(_ text: String) -> TimeAmount? {
        let utf8 = text.utf8
        guard let unit = utf8.last, utf8.count >= 2, utf8.count <= 9 else { return nil }
        var value: Int64 = 0
        for byte in utf8.dropLast() {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int64(byte - UInt8(ascii: "0"))
        }
        switch unit {
        case UInt8(ascii: "H"): return .hours(value)
        case UInt8(ascii: "M"): return .minutes(value)
        case UInt8(ascii: "S"): return .seconds(value)
        case UInt8(ascii: "m"): return .milliseconds(value)
        case UInt8(ascii: "u"): return .microseconds(value)
        case UInt8(ascii: "n"): return .nanoseconds(value)
        default: return nil
        }
    }
}
