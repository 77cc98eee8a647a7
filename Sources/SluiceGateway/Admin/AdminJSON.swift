internal import NIOCore
internal import SluiceJSON

/// A JSON document the admin API answers with. A tree, unlike the request path's writers: these answers are
/// small, rare, and read better built as values.
indirect enum AdminJSON: Sendable, Equatable {
    case object([(String, AdminJSON)])
    case array([AdminJSON])
    case string(String)
    case int(Int)
    case double(Double)
    case bool(Bool)
    case null

    static func == (a: AdminJSON, b: AdminJSON) -> Bool { a.bytes == b.bytes }

    /// `value` or null.
    static func optional<T>(_ value: T?, _ make: (T) -> AdminJSON) -> AdminJSON { value.map(make) ?? .null }

    static func milliseconds(_ amount: TimeAmount) -> AdminJSON { .int(Int(amount.nanoseconds / 1_000_000)) }

    /// The document as compact UTF-8 JSON with a trailing newline (what curl users expect at a prompt).
    var bytes: ByteBuffer {
        var writer = JSONWriter(buffer: ByteBuffer())
        write(into: &writer)
        writer.buffer.writeInteger(UInt8(ascii: "\n"))
        return writer.buffer
    }

    private func write(into writer: inout JSONWriter) {
        switch self {
        case .object(let members):
            writer.beginObject()
            for (key, value) in members {
                writer.key(key)
                value.write(into: &writer)
            }
            writer.endObject()
        case .array(let items):
            writer.beginArray()
            for item in items { item.write(into: &writer) }
            writer.endArray()
        case .string(let text): writer.string(text)
        case .int(let value): writer.int(value)
        case .double(let value): writer.double(value)
        case .bool(let value): writer.bool(value)
        case .null: writer.null()
        }
    }
}
