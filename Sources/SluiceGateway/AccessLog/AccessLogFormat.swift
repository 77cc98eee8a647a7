internal import NIOCore
internal import SluiceJSON

extension AccessLogSettings.Format {
    /// Appends `entry` as one line.
    func write(_ entry: AccessLogEntry, into buffer: inout ByteBuffer) {
        switch self {
        case .json: AccessLogJSON.write(entry, into: &buffer)
        case .combined: AccessLogCombined.write(entry, into: &buffer)
        }
    }
}

/// `{"time":"2026-12-04T20:10:00.123Z","client":"127.0.0.1","method":"POST","path":"/v1/x?a=1",...}` and a newline.
/// Absent values are `null`, so every line has every key.
enum AccessLogJSON {
    static func write(_ entry: AccessLogEntry, into buffer: inout ByteBuffer) {
        // The writer takes the buffer's storage for the line and gives it back: no copy.
        var writer = JSONWriter(buffer: ByteBuffer())
        swap(&writer.buffer, &buffer)
        defer { swap(&writer.buffer, &buffer) }
        let request = entry.request
        writer.beginObject()
        writer.key("time")
        timestamp(request.time, into: &writer)
        writer.key("client")
        optional(request.client, into: &writer)
        writer.key("method")
        writer.string(request.method)
        writer.key("path")
        target(path: request.path, query: request.query, into: &writer)
        writer.key("route")
        optional(request.route, into: &writer)
        writer.key("protocol")
        writer.string(request.ingress.label)
        writer.key("status")
        writer.int(entry.status)
        writer.key("service")
        optional(request.service, into: &writer)
        writer.key("endpoint")
        optional(entry.endpoint, into: &writer)
        writer.key("attempts")
        if let attempts = entry.attempts { writer.int(attempts) } else { writer.null() }
        writer.key("latency_ms")
        writer.double(Double(entry.latency / 1000) / 1000)
        writer.key("bytes_in")
        if let bytes = request.bytesIn { writer.int(bytes) } else { writer.null() }
        writer.key("bytes_out")
        if let bytes = entry.bytesOut { writer.int(bytes) } else { writer.null() }
        writer.key("trace_id")
        if let trace = request.traceID { substring(trace, into: &writer) } else { writer.null() }
        writer.key("blocked_by")
        optional(entry.blockedBy, into: &writer)
        writer.key("user_agent")
        optional(request.userAgent, into: &writer)
        writer.endObject()
        writer.buffer.writeInteger(UInt8(ascii: "\n"))
    }

    private static func optional(_ value: String?, into writer: inout JSONWriter) {
        if let value { writer.string(value) } else { writer.null() }
    }

    /// The path as received and its query (Swift strings: any bytes that were not UTF-8 are U+FFFD already).
    private static func target(path: Substring, query: Substring, into writer: inout JSONWriter) {
        if query.isEmpty { return substring(path, into: &writer) }
        writer.string("\(path)?\(query)")
    }

    private static func substring(_ text: Substring, into writer: inout JSONWriter) {
        var text = text
        text.withUTF8 { _ = writer.string(utf8: UnsafeRawBufferPointer($0)) }
    }

    /// RFC 3339 in UTC with milliseconds: `"2026-12-04T20:10:00.123Z"`.
    private static func timestamp(_ time: WallTime, into writer: inout JSONWriter) {
        let (year, month, day, hour, minute, second) = time.utc
        var text: [UInt8] = []
        text.reserveCapacity(26)
        text.append(UInt8(ascii: "\""))
        AccessLogDigits.append(year, width: 4, to: &text)
        text.append(UInt8(ascii: "-"))
        AccessLogDigits.append(month, width: 2, to: &text)
        text.append(UInt8(ascii: "-"))
        AccessLogDigits.append(day, width: 2, to: &text)
        text.append(UInt8(ascii: "T"))
        AccessLogDigits.append(hour, width: 2, to: &text)
        text.append(UInt8(ascii: ":"))
        AccessLogDigits.append(minute, width: 2, to: &text)
        text.append(UInt8(ascii: ":"))
        AccessLogDigits.append(second, width: 2, to: &text)
        text.append(UInt8(ascii: "."))
        AccessLogDigits.append(time.nanoseconds / 1_000_000, width: 3, to: &text)
        text.append(contentsOf: "Z\"".utf8)
        text.withUnsafeBytes { writer.rawValue($0) }
    }
}

/// Apache's and nginx's "combined" format:
/// `127.0.0.1 - - [04/Dec/2026:20:10:00 +0000] "GET /v1/x?a=1 HTTP/1.1" 200 1234 "-" "curl/8.5.0"`.
/// A WebSocket message's request line names `WebSocket` as its protocol; a body that streams is `-` bytes.
enum AccessLogCombined {
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    static func write(_ entry: AccessLogEntry, into buffer: inout ByteBuffer) {
        let request = entry.request
        var line: [UInt8] = []
        line.reserveCapacity(160)
        line.append(contentsOf: (request.client ?? "-").utf8)
        line.append(contentsOf: " - - [".utf8)
        let (year, month, day, hour, minute, second) = request.time.utc
        AccessLogDigits.append(day, width: 2, to: &line)
        line.append(UInt8(ascii: "/"))
        line.append(contentsOf: months[(month - 1) % 12].utf8)
        line.append(UInt8(ascii: "/"))
        AccessLogDigits.append(year, width: 4, to: &line)
        line.append(UInt8(ascii: ":"))
        AccessLogDigits.append(hour, width: 2, to: &line)
        line.append(UInt8(ascii: ":"))
        AccessLogDigits.append(minute, width: 2, to: &line)
        line.append(UInt8(ascii: ":"))
        AccessLogDigits.append(second, width: 2, to: &line)
        line.append(contentsOf: " +0000] \"".utf8)
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
