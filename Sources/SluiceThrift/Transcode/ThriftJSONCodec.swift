// Why this is hand-written: it is the gateway's hot path, run on every request and response, and no
// package transcodes between JSON and Thrift from descriptors loaded at run time (Thrift libraries for
// Swift work from generated code, and a generic JSON tree would cost an allocation per value). So JSON
// bytes are scanned token by token and written straight out as Binary or Compact bytes, and back, with
// the IDL descriptors choosing what each value must be: no intermediate tree, no `[String: Any]`.

import NIOCore
import SluiceJSON

/// JSON ↔ Thrift (Binary or Compact) for structs described by a ``ThriftSchema``.
///
/// JSON mapping: a struct is an object keyed by field name; i8/i16/i32 are numbers (range-checked); i64 is
/// a number or a string of digits, written as a number (as a string beyond ±2^53 with `int64AsString`);
/// double is a number, or "NaN"/"Infinity"/"-Infinity"; string is UTF-8 text; binary is base64 (written
/// standard and padded, read also unpadded and URL-safe); uuid is the 8-4-4-4-12 string; an enum is a number
/// or a name (written as a number, or a name with `enumsAsNames`); list and set are arrays; a map is an
/// object when its key is a string, number or enum, otherwise an array of `[key, value]` pairs; a union
/// is an object with exactly one field. `null` for a field means absent; absent required fields are an
/// error unless the IDL gives a default, and absent non-optional fields with a default get it.
public enum ThriftJSONCodec {
    /// Writes the `_args` struct body (fields then STOP, no message header) of `method` from `input`.
    public static func encodeArguments(
        method: MethodDescriptor,
        schema: ThriftSchema,
        input: CallInput,
        protocol kind: ThriftProtocolKind,
        options: TranscodeOptions = TranscodeOptions(),
        into buffer: inout ByteBuffer
    ) throws(TranscodeError) {
        let body = input.body ?? ByteBuffer()
        let overrides: OverrideTree?
        if input.bound.isEmpty && input.bodyTarget.isEmpty {
            overrides = nil
        } else {
            overrides = try OverrideTree(arguments: method.arguments, schema: schema, input: input)
        }
        try encode(method.arguments, schema: schema, json: body, overrides: overrides, bound: input.bound,
                   protocol: kind, options: options, into: &buffer)
    }

    /// Writes struct `id` (fields then STOP) from the JSON object in `json`.
    public static func encodeStruct(
        _ id: StructID,
        schema: ThriftSchema,
        json: ByteBuffer,
        protocol kind: ThriftProtocolKind,
        options: TranscodeOptions = TranscodeOptions(),
        into buffer: inout ByteBuffer
    ) throws(TranscodeError) {
        try encode(id, schema: schema, json: json, overrides: nil, bound: [], protocol: kind, options: options,
                   into: &buffer)
    }

    private static func encode(
        _ id: StructID, schema: ThriftSchema, json: ByteBuffer, overrides: OverrideTree?, bound: [BoundValue],
        protocol kind: ThriftProtocolKind, options: TranscodeOptions, into buffer: inout ByteBuffer
    ) throws(TranscodeError) {
        switch kind {
        case .binary:
            try encode(ThriftBinaryWriter.self, id, schema: schema, json: json, overrides: overrides, bound: bound,
                       options: options, into: &buffer)
        case .compact:
            try encode(ThriftCompactWriter.self, id, schema: schema, json: json, overrides: overrides, bound: bound,
                       options: options, into: &buffer)
        }
    }

    private static func encode<Writer: ThriftProtocolWriter>(
        _: Writer.Type, _ id: StructID, schema: ThriftSchema, json: ByteBuffer, overrides: OverrideTree?,
        bound: [BoundValue], options: TranscodeOptions, into buffer: inout ByteBuffer
    ) throws(TranscodeError) {
        let start = buffer.writerIndex
        try json.withUnsafeReadableBytes { bytes throws(TranscodeError) in
            var scanner = JSONScanner(bytes: bytes, maxDepth: options.maxDepth)
            let hasBody = !scanner.isAtEnd()
            let bodyStart = scanner.offset
            var encoder = JSONToThrift(
                schema: schema, options: options, writer: Writer(buffer: buffer), scanner: scanner,
                hasBody: hasBody, overrides: overrides, bound: bound)
            buffer = ByteBuffer()  // the writer now holds the only reference, so appends never copy
            defer { buffer = encoder.writer.buffer }
            do throws(TranscodeError) {
                let rootTakesBody = overrides.map { $0.nodes[0].takesBody } ?? true
                try encoder.encodeStruct(id, fromJSON: hasBody && rootTakesBody, node: overrides == nil ? nil : 0)
                if hasBody {
                    if encoder.scanner.offset == bodyStart {
                        // Bound values replaced the body's target outright; the body must still be valid JSON.
                        try encoder.skipValue()
                    }
                    try encoder.finishDocument()
                }
            } catch {
                encoder.writer.buffer.moveWriterIndex(to: start)
                throw error
            }
        }
    }

    /// Reads a `_result` struct body and writes its outcome as JSON: the success value, or
    /// `{"error":{"type":"<ExceptionName>", ...fields}}` for a declared exception. The exception's name is
    /// its IDL name without an include prefix. Fields the method does not declare are skipped. A non-void
    /// method whose result holds nothing is ``TranscodeError/Kind/malformedThrift`` (Thrift's MISSING_RESULT).
    public static func decodeResult(
        method: MethodDescriptor,
        schema: ThriftSchema,
        from buffer: inout ByteBuffer,
        protocol kind: ThriftProtocolKind,
        options: TranscodeOptions = TranscodeOptions(),
        into output: inout ByteBuffer
    ) throws(TranscodeError) -> ResultOutcome {
        let outcome = try decode(
            .result(method), from: &buffer, protocol: kind, options: options, schema: schema, into: &output)
        return outcome ?? .void
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
        options: TranscodeOptions, schema: ThriftSchema, into output: inout ByteBuffer
    ) throws(TranscodeError) -> ResultOutcome? {
        switch kind {
        case .binary:
            try decode(ThriftBinaryReader.self, target, from: &buffer, options: options, schema: schema, into: &output)
        case .compact:
            try decode(ThriftCompactReader.self, target, from: &buffer, options: options, schema: schema, into: &output)
        }
    }

    private static func decode<Reader: ThriftProtocolReader>(
        _: Reader.Type, _ target: DecodeTarget, from buffer: inout ByteBuffer, options: TranscodeOptions,
        schema: ThriftSchema, into output: inout ByteBuffer
    ) throws(TranscodeError) -> ResultOutcome? {
        let start = output.writerIndex
        let (outcome, consumed) = try buffer.withUnsafeReadableBytes {
            bytes throws(TranscodeError) -> (ResultOutcome?, Int) in
            var decoder = ThriftToJSON(
                schema: schema, options: options, reader: Reader(bytes: bytes, maxSize: bytes.count),
                json: JSONWriter(buffer: output))
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
        return outcome
    }
}

