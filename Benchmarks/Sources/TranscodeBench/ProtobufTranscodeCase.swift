import NIOCore
import SluiceProtobuf

/// One payload to time with the protobuf transcoder: a message of a `.proto` file loaded at run time,
/// as a route's `idl:` is, and a JSON document for it.
struct ProtobufTranscodeCase {
    var label: String
    var schema: ProtobufSchema
    var message: ProtobufMessageID
    var json: ByteBuffer

    init(label: String, protoPath: String, messageName: String, json: String) {
        let schema: ProtobufSchema
        do {
            schema = try ProtobufSchema(files: ProtoLoader(importPaths: []).load(file: protoPath))
        } catch {
            fail("cannot load \(protoPath): \(error)")
        }
        guard let message = schema.message(named: messageName) else {
            fail("\(protoPath) declares no message \(messageName)")
        }
        self.label = label
        self.schema = schema
        self.message = message
        self.json = ByteBufferAllocator().buffer(string: json)
    }

    /// Times JSON -> protobuf and protobuf -> JSON, after checking that JSON -> protobuf -> JSON ->
    /// protobuf gives the same bytes (so the loops time correct work). `jsonOutBytes` is the size of the
    /// JSON the decoder writes: canonical protobuf JSON, which need not be the input's bytes.
    func run(options: Options, sink: inout Int) throws
        -> (protobufBytes: Int, jsonOutBytes: Int, encode: Measurement, decode: Measurement)
    {
        let allocator = ByteBufferAllocator()
        let transcodeOptions = ProtobufTranscodeOptions()
        var protobuf = allocator.buffer(capacity: json.readableBytes)
        var backToJSON = allocator.buffer(capacity: json.readableBytes * 2)
        var again = allocator.buffer(capacity: json.readableBytes)
        try ProtobufJSONCodec.encode(message, schema: schema, json: json, options: transcodeOptions, into: &protobuf)
        var reader = protobuf
        try ProtobufJSONCodec.decode(message, schema: schema, from: &reader, options: transcodeOptions, into: &backToJSON)
        try ProtobufJSONCodec.encode(message, schema: schema, json: backToJSON, options: transcodeOptions, into: &again)
        guard again == protobuf else { fail("\(label) protobuf: JSON -> protobuf -> JSON -> protobuf changed the bytes") }

        // Locals, not globals: every access to a global pays a dynamic exclusivity check that would be
        // timed as transcoding cost.
        let schema = self.schema
        let message = self.message
        let json = self.json
        var output = allocator.buffer(capacity: json.readableBytes * 2)
        let encode = try measure(
            warmupSeconds: options.warmupSeconds, sampleSeconds: options.sampleSeconds, samples: options.samples,
            sink: &sink
        ) {
            output.clear()
            try ProtobufJSONCodec.encode(message, schema: schema, json: json, options: transcodeOptions, into: &output)
            return output.writerIndex
        }
        let decode = try measure(
            warmupSeconds: options.warmupSeconds, sampleSeconds: options.sampleSeconds, samples: options.samples,
            sink: &sink
        ) {
            output.clear()
            var reader = protobuf
            try ProtobufJSONCodec.decode(message, schema: schema, from: &reader, options: transcodeOptions, into: &output)
            return output.writerIndex
        }
        return (protobuf.readableBytes, backToJSON.readableBytes, encode, decode)
    }
}
