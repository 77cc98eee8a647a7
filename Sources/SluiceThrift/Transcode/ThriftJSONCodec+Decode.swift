import NIOCore
import SluiceJSON

extension ThriftJSONCodec {
    /// Reads a `_result` struct body and writes its outcome as JSON: the success value, or
    /// `{"error":{"type":"<ExceptionName>","exception":{...fields}}}` for a declared exception. The exception's
    /// name is its IDL name without an include prefix. Fields the method does not declare are skipped. A non-void
    /// method whose result holds nothing is ``TranscodeError/Kind/malformedThrift`` (Thrift's MISSING_RESULT).
    public static func decodeResult(
        method: MethodDescriptor,
        schema: ThriftSchema,
        from buffer: inout ByteBuffer,
        protocol kind: ThriftProtocolKind,
        options: TranscodeOptions = TranscodeOptions(),
        into output: inout ByteBuffer
    ) throws(TranscodeError) -> ResultOutcome {
        let (outcome, _) = try decode(
            .result(method), from: &buffer, protocol: kind, options: options, schema: schema, into: &output)
        return outcome ?? .void
    }

    /// ``decodeResult(method:schema:from:protocol:options:into:)`` for an HTTP-mapped route: the success
    /// struct's fields that `responsePlan` names are returned as text instead of written as members.
    public static func decodeResult(
        method: MethodDescriptor,
        schema: ThriftSchema,
        from buffer: inout ByteBuffer,
        protocol kind: ThriftProtocolKind,
        options: TranscodeOptions,
        responsePlan: HTTPResponsePlan,
        into output: inout ByteBuffer
    ) throws(TranscodeError) -> (ResultOutcome, [HTTPResponseValue]) {
        let (outcome, extracted) = try decode(
            .result(method), from: &buffer, protocol: kind, options: options, schema: schema, responsePlan: responsePlan,
            into: &output)
        return (outcome ?? .void, extracted)
    }

    /// Reads struct `id` and writes it as a JSON object.
    public static func decodeStruct(
        _ id: StructID,
        schema: ThriftSchema,
        from buffer: inout ByteBuffer,
        protocol kind: ThriftProtocolKind,
        options: TranscodeOptions = TranscodeOptions(),
        into output: inout ByteBuffer
    ) throws(TranscodeError) {
        _ = try decode(.structure(id), from: &buffer, protocol: kind, options: options, schema: schema, into: &output)
    }

    /// Reads a `TApplicationException` struct body: `1: string message, 2: i32 type`.
    public static func decodeApplicationException(
        from buffer: inout ByteBuffer,
        protocol kind: ThriftProtocolKind
    ) throws(TranscodeError) -> (type: Int32, message: String) {
        func read<Reader: ThriftProtocolReader>(_ reader: inout Reader) throws(ThriftProtocolError) -> (Int32, String) {
            var type: Int32 = 0
            var message = ""
            let mark = reader.readStructBegin()
            while true {
                let field = try reader.readFieldBegin()
                switch (field.id, field.type) {
                case (_, .stop):
                    reader.readStructEnd(mark)
                    return (type, message)
                case (1, .string):
                    message = String(decoding: try reader.readBinary(), as: UTF8.self)
                case (2, .i32):
                    type = try reader.readI32()
                default:
                    try ThriftSkipper.skip(field.type, reader: &reader)
                }
            }
        }
        do throws(ThriftProtocolError) {
            let (result, consumed) = try buffer.withUnsafeReadableBytes { bytes throws(ThriftProtocolError) in
                switch kind {
                case .binary:
                    var reader = ThriftBinaryReader(bytes: bytes)
                    return (try read(&reader), reader.offset)
                case .compact:
                    var reader = ThriftCompactReader(bytes: bytes)
                    return (try read(&reader), reader.offset)
                }
            }
            buffer.moveReaderIndex(forwardBy: consumed)
            return (type: result.0, message: result.1)
        } catch {
            throw TranscodeError(error)
        }
    }

    private enum DecodeTarget {
        case result(MethodDescriptor)
        case structure(StructID)
    }

    private static func decode(
        _ target: DecodeTarget, from buffer: inout ByteBuffer, protocol kind: ThriftProtocolKind,
        options: TranscodeOptions, schema: ThriftSchema, responsePlan: HTTPResponsePlan? = nil,
        into output: inout ByteBuffer
    ) throws(TranscodeError) -> (ResultOutcome?, [HTTPResponseValue]) {
        switch kind {
        case .binary:
            try decode(ThriftBinaryReader.self, target, from: &buffer, options: options, schema: schema,
                       responsePlan: responsePlan, into: &output)
        case .compact:
            try decode(ThriftCompactReader.self, target, from: &buffer, options: options, schema: schema,
                       responsePlan: responsePlan, into: &output)
        }
    }

    private static func decode<Reader: ThriftProtocolReader>(
        _: Reader.Type, _ target: DecodeTarget, from buffer: inout ByteBuffer, options: TranscodeOptions,
        schema: ThriftSchema, responsePlan: HTTPResponsePlan?, into output: inout ByteBuffer
    ) throws(TranscodeError) -> (ResultOutcome?, [HTTPResponseValue]) {
        let start = output.writerIndex
        // JSON is typically 1.2-2x its Thrift (names instead of ids): one allocation up front, not several.
        output.reserveCapacity(minimumWritableBytes: buffer.readableBytes * 2 + 64)
        var extracted: [HTTPResponseValue] = []
        let (outcome, consumed) = try buffer.withUnsafeReadableBytes {
            bytes throws(TranscodeError) -> (ResultOutcome?, Int) in
            var decoder = ThriftToJSON(
                schema: schema, options: options, reader: Reader(bytes: bytes, maxSize: bytes.count),
                json: JSONWriter(buffer: output), responsePlan: responsePlan)
            defer { extracted = decoder.extracted }
            output = ByteBuffer()  // the writer now holds the only reference, so appends never copy
            defer { output = decoder.json.buffer }
            do throws(TranscodeError) {
                switch target {
                case .result(let method):
                    return (try decoder.decodeResult(method), decoder.reader.offset)
                case .structure(let id):
                    try decoder.decodeStruct(id, depth: options.maxDepth)
                    return (nil, decoder.reader.offset)
                }
            } catch {
                decoder.json.buffer.moveWriterIndex(to: start)
                throw error
            }
        }
        buffer.moveReaderIndex(forwardBy: consumed)
        return (outcome, extracted)
    }
}
