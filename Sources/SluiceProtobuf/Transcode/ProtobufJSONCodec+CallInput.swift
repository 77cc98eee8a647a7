import NIOCore
import SluiceJSON

extension ProtobufJSONCodec {
    /// Writes request message `message` in binary from what the gateway's binder made of an HTTP request:
    /// the JSON body as the field at `input.bodyTarget` (`[]`: the request itself), then every bound value
    /// (path, query, header) as its field, converted from text as grpc-gateway converts path and query
    /// parameters (see ``ProtobufBoundText``).
    ///
    /// The bound values come after the body's bytes: protobuf's merge then makes a bound scalar, enum or
    /// well-known value win over the body's value for the same field (a route `/v1/orders/{order.customer_id}`
    /// with `body: order`), a message on the way merge with the body's, and a repeated field get the bound
    /// elements after the body's. Several values for one path give a repeated field one element each (repeated
    /// query keys) and any other field the first.
    ///
    /// Query parameters (``BoundValue/isQueryParameter``) whose names the message does not have are ignored,
    /// unless `options.strict`; one that sets a field the body fills (inside `bodyTarget`, or anything when the
    /// body is the whole request and there is one) or a field a declared binding sets (the same path, or one
    /// inside the other) is a ``ProtobufTranscodeError/Kind/conflict``. Every other problem — a name the
    /// message does not have, a step through a field that is not a singular message, a map or message field
    /// (other than `Timestamp`, `Duration`, `FieldMask` and the wrappers), text that does not convert — is an
    /// error naming the value's source and the field path. Nothing is written when anything fails.
    ///
    /// With no body and `input.sendsEmptyTarget`, a singular message target is sent present and empty.
    public static func encode(
        _ message: ProtobufMessageID,
        schema: ProtobufSchema,
        input: CallInput,
        options: ProtobufTranscodeOptions = ProtobufTranscodeOptions(),
        into buffer: inout ByteBuffer
    ) throws(ProtobufTranscodeError) {
        let body = input.body ?? ByteBuffer()
        if input.bound.isEmpty && input.bodyTarget.isEmpty {
            try encode(message, schema: schema, json: body, options: options, into: &buffer)
            return
        }
        let plan = try ProtobufBindingPlan(message, schema: schema, input: input, strict: options.strict)
        let start = buffer.writerIndex
        buffer.reserveCapacity(minimumWritableBytes: body.readableBytes + 16 * input.bound.count)
        try body.withUnsafeReadableBytes { bytes throws(ProtobufTranscodeError) in
            var encoder = JSONToProtobuf(
                schema: schema, table: schema.table, options: options,
                scanner: JSONScanner(bytes: bytes, maxDepth: options.maxDepth), out: ProtobufWireWriter(buffer: buffer))
            buffer = ByteBuffer()  // the writer now holds the only reference, so appends never copy
            defer { buffer = encoder.out.buffer }
            do throws(ProtobufTranscodeError) {
                if !encoder.scanner.isAtEnd() {
                    if plan.body.fields.isEmpty {
                        try encoder.encodeMessage(Int32(message.index))
                    } else {
                        try encoder.encodeBody(at: plan.body.fields)
                    }
                    do throws(JSONError) { try encoder.scanner.finish() } catch { throw ProtobufTranscodeError(error) }
                } else if input.sendsEmptyTarget {
                    encoder.encodeEmptyTarget(plan.body.fields)
                }
                try plan.writeBound(input.bound, table: schema.table, schema: schema, into: &encoder.out)
            } catch {
                encoder.out.buffer.moveWriterIndex(to: start)
                throw error
            }
        }
    }
}
