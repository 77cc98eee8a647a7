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
        // Thrift is rarely longer than its JSON: one allocation up front rather than growing by doubling.
        buffer.reserveCapacity(minimumWritableBytes: json.readableBytes)
        try json.withUnsafeReadableBytes { bytes throws(TranscodeError) in
            var scanner = JSONScanner(bytes: bytes, maxDepth: options.maxDepth)
            let hasBody = !scanner.isAtEnd()
            let bodyStart = scanner.offset
            var encoder = JSONToThrift(
                schema: schema, options: options, writer: Writer(buffer: buffer), scanner: scanner,
                hasBody: hasBody, overrides: overrides, bound: bound,
                lookup: options.httpAnnotations ? schema.httpFieldLookup : schema.fieldLookup)
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
}
