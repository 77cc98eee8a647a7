internal import NIOCore

extension AccessLogSettings.Format {
    /// Appends `entry` as one line; `clock` keeps the current second's text, formatted once a second.
    func write(_ entry: AccessLogEntry, into buffer: inout ByteBuffer, clock: inout AccessLogClock) {
        switch self {
        case .json: AccessLogJSON.write(entry, into: &buffer, clock: &clock)
        case .combined: AccessLogCombined.write(entry, into: &buffer, clock: &clock)
        }
    }
}

/// `{"time":"2026-12-04T20:10:00.123Z","client":"127.0.0.1","method":"POST","path":"/v1/x?a=1",...}` and a newline.
/// Absent values are `null`, so every line has every key. Written straight into the buffer's memory, one
/// bounds check per line: a line is a few hundred bytes of mostly fixed text, written for every request.
enum AccessLogJSON {
    static func write(_ entry: AccessLogEntry, into buffer: inout ByteBuffer, clock: inout AccessLogClock) {
        let request = entry.request
        let second = clock.rfc3339(request.time)
        // Fixed text and numbers fit in 512 bytes; a string can grow sixfold when every byte is escaped.
        let variable =
            request.method.utf8.count + request.path.utf8.count + request.query.utf8.count + (request.client?.utf8.count ?? 0)
            + (request.route?.utf8.count ?? 0) + (request.service?.utf8.count ?? 0) + (entry.endpoint?.utf8.count ?? 0)
            + (entry.blockedBy?.utf8.count ?? 0) + (request.userAgent?.utf8.count ?? 0) + (request.traceID?.utf8.count ?? 0)
            + (request.consumer?.utf8.count ?? 0)
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: 512 + 6 * variable + second.count) { raw in
            var line = RawLine(base: raw)
            line.append("{\"time\":\"")
            second.withUnsafeBytes { line.append($0) }
            let milliseconds = request.time.nanoseconds / 1_000_000
            line.byte(UInt8(ascii: "."))
            line.byte(UInt8(ascii: "0") + UInt8(milliseconds / 100))
            line.byte(UInt8(ascii: "0") + UInt8(milliseconds / 10 % 10))
            line.byte(UInt8(ascii: "0") + UInt8(milliseconds % 10))
            line.append("Z\",\"client\":")
            line.string(request.client)
            line.append(",\"method\":")
            line.string(request.method)
            line.append(",\"path\":\"")
            line.escaped(request.path)
            if !request.query.isEmpty {
                line.byte(UInt8(ascii: "?"))
                line.escaped(request.query)
            }
            line.append("\",\"route\":")
            line.string(request.route)
            line.append(",\"protocol\":\"")
            switch request.ingress {
            case .http1: line.append("http1")
            case .http2: line.append("h2")
            case .websocket: line.append("websocket")
            }
            line.append("\",\"status\":")
            line.integer(entry.status)
            line.append(",\"service\":")
            line.string(request.service)
            line.append(",\"endpoint\":")
            line.string(entry.endpoint)
            line.append(",\"attempts\":")
            line.integer(entry.attempts)
            line.append(",\"latency_ms\":")
            line.milliseconds(entry.latency)
            line.append(",\"bytes_in\":")
            line.integer(request.bytesIn)
            line.append(",\"bytes_out\":")
            line.integer(entry.bytesOut)
            line.append(",\"trace_id\":")
            if let trace = request.traceID {
                line.byte(UInt8(ascii: "\""))
                line.escaped(trace)
                line.byte(UInt8(ascii: "\""))
            } else {
                line.append("null")
            }
            line.append(",\"blocked_by\":")
            line.string(entry.blockedBy)
            line.append(",\"consumer\":")
            line.string(request.consumer)
            line.append(",\"user_agent\":")
            line.string(request.userAgent)
            line.append("}\n")
            return line.count
        }
    }
}

/// Appends to memory the caller made room for (``AccessLogJSON`` sizes it for the worst case).
private struct RawLine {
    let base: UnsafeMutableRawBufferPointer
    private(set) var count = 0

    init(base: UnsafeMutableRawBufferPointer) { self.base = base }

    @inline(__always)
    mutating func byte(_ value: UInt8) {
        base[count] = value
        count += 1
    }

    mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { append(UnsafeRawBufferPointer($0)) }
    }

    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        guard let source = bytes.baseAddress, let target = base.baseAddress, !bytes.isEmpty else { return }
        (target + count).copyMemory(from: source, byteCount: bytes.count)
        count += bytes.count
    }

    /// A JSON string, or `null`.
    mutating func string(_ value: String?) {
        guard let value else { return append("null") }
        byte(UInt8(ascii: "\""))
        escaped(value[...])
        byte(UInt8(ascii: "\""))
    }

    /// JSON's escapes for `"`, `\\` and control bytes; anything else (UTF-8, as Swift strings are) as is.
    mutating func escaped(_ text: Substring) {
        for unit in text.utf8 {
            switch unit {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                byte(UInt8(ascii: "\\"))
                byte(unit)
            case 0..<0x20:
                append("\\u00")
                byte(AccessLogDigits.hex[Int(unit >> 4)])
                byte(AccessLogDigits.hex[Int(unit & 0xF)])
            default:
                byte(unit)
            }
        }
    }

    mutating func integer(_ value: Int?) {
        guard let value else { return append("null") }
        var rest = value.magnitude
        if value < 0 { byte(UInt8(ascii: "-")) }
        var digits = 1
        var probe = rest
        while probe >= 10 {
            probe /= 10
            digits += 1
        }
        count += digits
        var at = count - 1
        repeat {
            base[at] = UInt8(ascii: "0") + UInt8(rest % 10)
            rest /= 10
            at -= 1
        } while rest > 0
    }

    /// Nanoseconds as milliseconds with three decimals (`3.212`).
    mutating func milliseconds(_ nanoseconds: UInt64) {
        let microseconds = nanoseconds / 1000
        integer(Int(microseconds / 1000))
        byte(UInt8(ascii: "."))
        let fraction = Int(microseconds % 1000)
        byte(UInt8(ascii: "0") + UInt8(fraction / 100))
        byte(UInt8(ascii: "0") + UInt8(fraction / 10 % 10))
        byte(UInt8(ascii: "0") + UInt8(fraction % 10))
    }
}

/// The text of the current second, in each format's layout, made once a second per event loop rather than
/// once a line.
struct AccessLogClock: Sendable {
    private var second = Int.min
    private var rfc3339Text: [UInt8] = []
    private var commonLogText: [UInt8] = []

    /// `2026-12-04T20:10:05`
    mutating func rfc3339(_ time: WallTime) -> [UInt8] {
        if time.seconds != second { advance(to: time) }
        return rfc3339Text
    }

    /// `04/Dec/2026:20:10:05 +0000`
    mutating func commonLog(_ time: WallTime) -> [UInt8] {
        if time.seconds != second { advance(to: time) }
        return commonLogText
    }

    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    private mutating func advance(to time: WallTime) {
        second = time.seconds
        let (year, month, day, hour, minute, second) = time.utc
        var text: [UInt8] = []
        AccessLogDigits.append(year, width: 4, to: &text)
        text.append(UInt8(ascii: "-"))
        AccessLogDigits.append(month, width: 2, to: &text)
        text.append(UInt8(ascii: "-"))
        AccessLogDigits.append(day, width: 2, to: &text)
        text.append(UInt8(ascii: "T"))
        var clock: [UInt8] = []
        AccessLogDigits.append(hour, width: 2, to: &clock)
        clock.append(UInt8(ascii: ":"))
        AccessLogDigits.append(minute, width: 2, to: &clock)
        clock.append(UInt8(ascii: ":"))
        AccessLogDigits.append(second, width: 2, to: &clock)
        rfc3339Text = text + clock
        var common: [UInt8] = []
        AccessLogDigits.append(day, width: 2, to: &common)
        common.append(UInt8(ascii: "/"))
        common.append(contentsOf: Self.months[(month - 1) % 12].utf8)
        common.append(UInt8(ascii: "/"))
        AccessLogDigits.append(year, width: 4, to: &common)
        common.append(UInt8(ascii: ":"))
        commonLogText = common + clock + Array(" +0000".utf8)
    }
}

/// Apache's and nginx's "combined" format:
/// `127.0.0.1 - - [04/Dec/2026:20:10:00 +0000] "GET /v1/x?a=1 HTTP/1.1" 200 1234 "-" "curl/8.5.0"`.
/// A WebSocket message's request line names `WebSocket` as its protocol; a body that streams is `-` bytes.
enum AccessLogCombined {
    static func write(_ entry: AccessLogEntry, into buffer: inout ByteBuffer, clock: inout AccessLogClock) {
        let request = entry.request
        var line: [UInt8] = []
        line.reserveCapacity(160)
        line.append(contentsOf: (request.client ?? "-").utf8)
        // The remote user field: the consumer an authentication plugin found.
        line.append(contentsOf: " - ".utf8)
        if let consumer = request.consumer, !consumer.isEmpty {
            escaped(consumer.utf8.lazy.map { $0 == 0x20 ? UInt8(ascii: "_") : $0 }, to: &line)
        } else {
            line.append(UInt8(ascii: "-"))
        }
        line.append(contentsOf: " [".utf8)
        line.append(contentsOf: clock.commonLog(request.time))
        line.append(contentsOf: "] \"".utf8)
        escaped(request.method.utf8, to: &line)
        line.append(UInt8(ascii: " "))
        escaped(request.path.utf8, to: &line)
        if !request.query.isEmpty {
            line.append(UInt8(ascii: "?"))
            escaped(request.query.utf8, to: &line)
        }
        switch request.ingress {
        case .http1: line.append(contentsOf: " HTTP/1.1\" ".utf8)
        case .http2: line.append(contentsOf: " HTTP/2.0\" ".utf8)
        case .websocket: line.append(contentsOf: " WebSocket\" ".utf8)
        }
        AccessLogDigits.append(entry.status, width: 3, to: &line)
        line.append(UInt8(ascii: " "))
        if let bytes = entry.bytesOut { AccessLogDigits.append(bytes, width: 1, to: &line) } else { line.append(UInt8(ascii: "-")) }
        line.append(contentsOf: " \"".utf8)
        escaped((request.referer ?? "-").utf8, to: &line)
        line.append(contentsOf: "\" \"".utf8)
        escaped((request.userAgent ?? "-").utf8, to: &line)
        line.append(contentsOf: "\"\n".utf8)
        buffer.writeBytes(line)
    }

    /// nginx's escaping: `"`, `\` and bytes outside printable ASCII as `\xHH`, so a field cannot break the line.
    private static func escaped<Bytes: Sequence<UInt8>>(_ bytes: Bytes, to line: inout [UInt8]) {
        for byte in bytes {
            if byte >= 0x20, byte < 0x7F, byte != UInt8(ascii: "\""), byte != UInt8(ascii: "\\") {
                line.append(byte)
            } else {
                line.append(contentsOf: "\\x".utf8)
                line.append(AccessLogDigits.hex[Int(byte >> 4)])
                line.append(AccessLogDigits.hex[Int(byte & 0xF)])
            }
        }
    }
}

enum AccessLogDigits {
    static let hex = Array("0123456789ABCDEF".utf8)

    /// `value` in decimal, zero-padded to `width` digits.
    static func append(_ value: Int, width: Int, to text: inout [UInt8]) {
        var rest = max(0, value)
        var count = 1
        var probe = rest
        while probe >= 10 {
            probe /= 10
            count += 1
        }
        let total = max(count, width)
        text.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: total))
        var index = text.count - 1
        while rest > 0 {
            text[index] = UInt8(ascii: "0") + UInt8(rest % 10)
            rest /= 10
            index -= 1
        }
    }
}
