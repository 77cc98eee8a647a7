import NIOCore
import SluiceJSON

extension ProtobufJSONCodec {
    /// Reads the readable bytes of `buffer` as message `message` and writes the JSON of its field at `field`
    /// alone (a route's `response_body`; `.proto` or JSON names, a top-level field as `google.api.http` has
    /// it, or a path through singular message fields), or of the whole message when `field` is nil.
    ///
    /// A message field is its object, a repeated field an array, a map an object, a scalar its JSON value; the
    /// message is read as protobuf reads it (a singular message given several times is their merge). An
    /// absent field is `{}` for a message (grpc-gateway's marshaller writes a nil message so), `[]` for a
    /// repeated field and `{}` for a map (its default marshaller emits unpopulated fields), and the default
    /// for a scalar, in protobuf's JSON form (a 64-bit integer as a string, where grpc-gateway would hand a bare
    /// scalar to Go's `encoding/json`). A name the message does not have is
    /// ``ProtobufTranscodeError/Kind/unknownField``.
    public static func decode(
        _ message: ProtobufMessageID,
        schema: ProtobufSchema,
        from buffer: inout ByteBuffer,
        field: [String]?,
        options: ProtobufTranscodeOptions = ProtobufTranscodeOptions(),
        into output: inout ByteBuffer
    ) throws(ProtobufTranscodeError) {
        guard let field, !field.isEmpty else {
            try decode(message, schema: schema, from: &buffer, options: options, into: &output)
            return
        }
        let resolver = ProtobufBindingPlan.Resolver(schema: schema, table: schema.table, request: Int32(message.index))
        let resolved = try resolver.resolve(field, source: "response_body '\(field.joined(separator: "."))'")
        let start = output.writerIndex
        output.reserveCapacity(minimumWritableBytes: buffer.readableBytes * 2 + 64)
        let consumed = try buffer.withUnsafeReadableBytes { bytes throws(ProtobufTranscodeError) -> Int in
            var decoder = ProtobufToJSON(
                schema: schema, table: schema.table, options: options, json: JSONWriter(buffer: output))
            decoder.rewriteBudget = 4 * bytes.count + (1 << 20)
            output = ByteBuffer()  // the writer now holds the only reference, so appends never copy
            defer { output = decoder.json.buffer }
            do throws(ProtobufTranscodeError) {
                try decoder.writeField(
                    at: resolved.indices[...], of: Int32(message.index), bytes, 0..<bytes.count, depth: options.maxDepth
                )
                return bytes.count
            } catch {
                decoder.json.buffer.moveWriterIndex(to: start)
                throw error
            }
        }
        buffer.moveReaderIndex(forwardBy: consumed)
    }
}
