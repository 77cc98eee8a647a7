// Why this is hand-written: it is the gRPC path's hot loop, run on every request and response, and no
// package transcodes between JSON and protobuf from descriptors loaded at run time without building
// message trees (SwiftProtobuf's JSON goes through generated or dynamic `Message` values). So JSON bytes are
// scanned token by token and written straight out as protobuf bytes, and back, the schema's flat tables
// choosing what each value must be: no intermediate tree, no dictionary, no allocation per field.

import NIOCore
import SluiceJSON

/// JSON ↔ binary protobuf for messages described by a ``ProtobufSchema``, in protobuf's canonical JSON
/// mapping (protobuf.dev/programming-guides/json).
///
/// Written: lowerCamel JSON names (or `.proto` names), 64-bit integers as strings, bytes as padded standard
/// base64, enums as names (numbers when unknown), NaN and infinities as strings, floats as the shortest text
/// that reads back to the same float, maps as objects keyed by strings, the well-known types in their own
/// forms. Read: both names, integers as numbers or strings (exactly, range-checked), base64 standard or
/// URL-safe, padded or not, enums as names or numbers, `null` as absent, repeated scalars packed or not.
/// Errors (``ProtobufTranscodeError``) name the JSON path and byte offset, or for binary input the field
/// path: a field, map key or oneof given twice, a proto2 `required` field missing, a value out of range.
public enum ProtobufJSONCodec {
    /// Writes message `message` in binary from the JSON document in `json` (empty means `{}`).
    public static func encode(
        _ message: ProtobufMessageID,
        schema: ProtobufSchema,
        json: ByteBuffer,
        options: ProtobufTranscodeOptions = ProtobufTranscodeOptions(),
        into buffer: inout ByteBuffer
    ) throws(ProtobufTranscodeError) {
        let start = buffer.writerIndex
        // Protobuf is rarely longer than its JSON: one allocation up front rather than growing by doubling.
        buffer.reserveCapacity(minimumWritableBytes: json.readableBytes)
        try json.withUnsafeReadableBytes { bytes throws(ProtobufTranscodeError) in
            var encoder = JSONToProtobuf(
                schema: schema, table: schema.table, options: options,
                scanner: JSONScanner(bytes: bytes, maxDepth: options.maxDepth), out: ProtobufWireWriter(buffer: buffer))
            buffer = ByteBuffer()  // the writer now holds the only reference, so appends never copy
            defer { buffer = encoder.out.buffer }
            do throws(ProtobufTranscodeError) {
                if encoder.scanner.isAtEnd() { return }
                try encoder.encodeMessage(Int32(message.index))
                do throws(JSONError) { try encoder.scanner.finish() } catch { throw ProtobufTranscodeError(error) }
            } catch {
                encoder.out.buffer.moveWriterIndex(to: start)
                throw error
            }
        }
    }

    /// Reads the readable bytes of `buffer` as message `message` and writes it as JSON.
    public static func decode(
        _ message: ProtobufMessageID,
        schema: ProtobufSchema,
        from buffer: inout ByteBuffer,
        options: ProtobufTranscodeOptions = ProtobufTranscodeOptions(),
        into output: inout ByteBuffer
    ) throws(ProtobufTranscodeError) {
        let start = output.writerIndex
        // JSON is typically 1.5-3x its protobuf (names instead of numbers): one allocation up front.
        output.reserveCapacity(minimumWritableBytes: buffer.readableBytes * 2 + 64)
        let consumed = try buffer.withUnsafeReadableBytes { bytes throws(ProtobufTranscodeError) -> Int in
            var decoder = ProtobufToJSON(
                schema: schema, table: schema.table, options: options, json: JSONWriter(buffer: output))
            decoder.rewriteBudget = 4 * bytes.count + (1 << 20)
            output = ByteBuffer()  // the writer now holds the only reference, so appends never copy
            defer { output = decoder.json.buffer }
            do throws(ProtobufTranscodeError) {
                try decoder.writeMessage(Int32(message.index), bytes, 0..<bytes.count, depth: options.maxDepth)
                return bytes.count
            } catch {
                decoder.json.buffer.moveWriterIndex(to: start)
                throw error
            }
        }
        buffer.moveReaderIndex(forwardBy: consumed)
    }
}
