internal import NIOCore

/// The `grpc-timeout` request header: at most eight digits and a unit (gRPC over HTTP/2, "Requests").
enum GRPCTimeout {
    /// The largest value the header's eight digits hold.
    static let maxValue: Int64 = 99_999_999

    private static let units: [(nanoseconds: Int64, unit: String)] = [
        (1, "n"), (1_000, "u"), (1_000_000, "m"), (1_000_000_000, "S"), (60_000_000_000, "M"),
        (3_600_000_000_000, "H"),
    ]

    /// `remaining` in the finest unit whose value fits, rounded up: the server must not give up before the
    /// client does, and a deadline one unit late costs nothing the client's own timer does not catch.
    /// Non-positive amounts (the caller already fails those) are `1n`.
    static func header(_ remaining: TimeAmount) -> String {
        let nanoseconds = max(1, remaining.nanoseconds)
        for (size, unit) in units {
            let value = nanoseconds / size + (nanoseconds % size == 0 ? 0 : 1)
            if value <= maxValue { return "\(value)\(unit)" }
        }
        return "\(maxValue)H"
    }
}
