internal import Synchronization

/// A request's W3C trace context, read and written by hand: what every traced request pays (a recorded span adds
/// swift-otel's work on top). Parsing a `traceparent` and writing the child's is a few dozen byte operations;
/// swift-otel's own path for a span it does not record (a service context, its propagator, a random-number
/// syscall per id) measured 8 µs a request here.
struct TraceContext: Sendable, Equatable {
    var traceHigh: UInt64
    var traceLow: UInt64
    var spanID: UInt64
    var sampled: Bool

    /// A valid `traceparent` (version 00's layout; a later version may append fields); nil otherwise, and a
    /// request with an invalid one starts a trace of its own, as W3C says.
    init?(traceparent value: String) {
        guard TraceHeaders.traceID(ofTraceparent: value) != nil else { return nil }
        let bytes = Array(value.utf8.prefix(55))
        guard let high = Self.hex(bytes[3..<19]), let low = Self.hex(bytes[19..<35]), let span = Self.hex(bytes[36..<52]),
            let flags = Self.hex(bytes[53..<55]), span != 0
        else { return nil }
        traceHigh = high
        traceLow = low
        spanID = span
        sampled = flags & 1 == 1
    }

    init(traceHigh: UInt64, traceLow: UInt64, spanID: UInt64, sampled: Bool) {
        self.traceHigh = traceHigh
        self.traceLow = traceLow
        self.spanID = spanID
        self.sampled = sampled
    }

    /// `00-<trace id>-<span id>-<flags>`.
    var traceparent: String {
        String(unsafeUninitializedCapacity: 55) { buffer in
            var at = 0
            func put(_ byte: UInt8) {
                buffer[at] = byte
                at += 1
            }
            func hex(_ value: UInt64, digits: Int) {
                for shift in stride(from: (digits - 1) * 4, through: 0, by: -4) { put(Self.digits[Int((value >> UInt64(shift)) & 0xF)]) }
            }
            put(UInt8(ascii: "0"))
            put(UInt8(ascii: "0"))
            put(UInt8(ascii: "-"))
            hex(traceHigh, digits: 16)
            hex(traceLow, digits: 16)
            put(UInt8(ascii: "-"))
            hex(spanID, digits: 16)
            put(UInt8(ascii: "-"))
            put(UInt8(ascii: "0"))
            put(sampled ? UInt8(ascii: "1") : UInt8(ascii: "0"))
            return at
        }
    }

    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    private static func hex(_ bytes: ArraySlice<UInt8>) -> UInt64? {
        var value: UInt64 = 0
        for byte in bytes {
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            default: return nil
            }
            value = value << 4 | UInt64(digit)
        }
        return value
    }

    /// A `tracestate` passed on as it came when it is plausible (printable ASCII, at most W3C's 512 bytes);
    /// anything else is dropped, never propagated half-understood.
    static func passable(tracestate: String?) -> String? {
        guard let tracestate, !tracestate.isEmpty, tracestate.utf8.count <= 512,
            tracestate.utf8.allSatisfy({ $0 >= 0x20 && $0 <= 0x7E })
        else { return nil }
        return tracestate
    }
}

/// Ids and sampling draws: SplitMix64 seeded once from the system's generator. Trace and span ids must be
/// unique and unpredictable enough to never collide, not secret; one syscall per id (the system generator) is
/// what made swift-otel's ids cost.
final class TraceRandom: Sendable {
    private let state: Mutex<UInt64>

    init() {
        var system = SystemRandomNumberGenerator()
        state = Mutex(system.next())
    }

    func next() -> UInt64 {
        state.withLock { state in
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// Never zero: W3C reserves all-zero ids as invalid.
    func nonZero() -> UInt64 {
        while true {
            let value = next()
            if value != 0 { return value }
        }
    }
}
