public import Tracing

/// The two W3C Trace Context fields, as one request brings them or one backend call carries them.
public struct TraceHeaders: Sendable, Hashable {
    public var traceparent: String?
    public var tracestate: String?

    public init(traceparent: String? = nil, tracestate: String? = nil) {
        self.traceparent = traceparent
        self.tracestate = tracestate
    }

    /// What a request brought: its `traceparent`, and its `tracestate` fields as one list (W3C: several header
    /// lines are joined with commas).
    public init(traceparent: String?, tracestateFields: [String]) {
        self.init(traceparent: traceparent, tracestate: tracestateFields.isEmpty ? nil : tracestateFields.joined(separator: ","))
    }

    /// The trace id of a valid `traceparent`: `00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>` (W3C
    /// Trace Context, version 00; later versions may append fields). An all-zero trace id is invalid.
    public var traceID: Substring? { traceparent.flatMap(Self.traceID(ofTraceparent:)) }

    public static func traceID(ofTraceparent value: String) -> Substring? {
        let utf8 = value.utf8
        guard utf8.count == 55 || (utf8.count > 55 && !utf8.starts(with: "00".utf8)) else { return nil }
        var valid = !utf8.starts(with: "ff".utf8)
        var nonZero = false
        for (offset, byte) in utf8.prefix(56).enumerated() {
            switch offset {
            case 2, 35, 52, 55:
                valid = valid && byte == UInt8(ascii: "-")
            default:
                valid = valid && isLowerHex(byte)
                if offset > 2, offset < 35, byte != UInt8(ascii: "0") { nonZero = true }
            }
        }
        guard valid, nonZero else { return nil }
        let start = utf8.index(utf8.startIndex, offsetBy: 3)
        return value[start..<utf8.index(start, offsetBy: 32)]
    }

    private static func isLowerHex(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
    }
}

/// Reads and writes ``TraceHeaders`` for swift-distributed-tracing's propagators.
struct TraceHeadersPropagation: Extractor, Injector {
    func extract(key: String, from carrier: TraceHeaders) -> String? {
        switch key {
        case "traceparent": carrier.traceparent
        case "tracestate": carrier.tracestate
        default: nil
        }
    }

    func inject(_ value: String, forKey key: String, into carrier: inout TraceHeaders) {
        switch key {
        case "traceparent": carrier.traceparent = value
        case "tracestate": carrier.tracestate = value.isEmpty ? nil : value
        default: break
        }
    }
}
