import NIOCore
import SluiceThrift

/// One payload to time: a struct of an IDL loaded at run time, and a JSON document for it.
struct TranscodeCase {
    var label: String
    var schema: ThriftSchema
    var structID: StructID
    var json: ByteBuffer

    init(label: String, idlPath: String, structName: String, json: String) {
        let schema: ThriftSchema
        do {
            schema = try ThriftIDL.load(path: idlPath)
        } catch {
            fail("cannot load \(idlPath): \(error)")
        }
        guard let index = schema.structs.firstIndex(where: { $0.name == structName }) else {
            fail("\(idlPath) declares no struct \(structName)")
        }
        self.label = label
        self.schema = schema
        self.structID = StructID(index)
        self.json = ByteBufferAllocator().buffer(string: json)
    }

    /// Times JSON -> Thrift and Thrift -> JSON in `protocolKind`, after checking that
    /// JSON -> Thrift -> JSON -> Thrift gives the same bytes (so the loops time correct work).
    func run(_ protocolKind: ThriftProtocolKind, options: Options, sink: inout Int) throws
        -> (thriftBytes: Int, encode: Measurement, decode: Measurement)
    {
        let allocator = ByteBufferAllocator()
        let transcodeOptions = TranscodeOptions()
        var thrift = allocator.buffer(capacity: json.readableBytes)
        var backToJSON = allocator.buffer(capacity: json.readableBytes * 2)
        var again = allocator.buffer(capacity: json.readableBytes)
        try ThriftJSONCodec.encodeStruct(
            structID, schema: schema, json: json, protocol: protocolKind, options: transcodeOptions, into: &thrift)
        var reader = thrift
        try ThriftJSONCodec.decodeStruct(
            structID, schema: schema, from: &reader, protocol: protocolKind, options: transcodeOptions,
            into: &backToJSON)
        try ThriftJSONCodec.encodeStruct(
            structID, schema: schema, json: backToJSON, protocol: protocolKind, options: transcodeOptions,
            into: &again)
        guard again == thrift else { fail("\(label) \(protocolKind): JSON -> Thrift -> JSON -> Thrift changed the bytes") }

        // Locals, not globals: every access to a global pays a dynamic exclusivity check that would be
        // timed as transcoding cost.
        let schema = self.schema
        let structID = self.structID
        let json = self.json
        var output = allocator.buffer(capacity: json.readableBytes * 2)
        let encode = try measure(
            warmupSeconds: options.warmupSeconds, sampleSeconds: options.sampleSeconds, samples: options.samples,
            sink: &sink
        ) {
            output.clear()
            try ThriftJSONCodec.encodeStruct(
                structID, schema: schema, json: json, protocol: protocolKind, options: transcodeOptions,
                into: &output)
            return output.writerIndex
        }
        let decode = try measure(
            warmupSeconds: options.warmupSeconds, sampleSeconds: options.sampleSeconds, samples: options.samples,
            sink: &sink
        ) {
            output.clear()
            var reader = thrift
            try ThriftJSONCodec.decodeStruct(
                structID, schema: schema, from: &reader, protocol: protocolKind, options: transcodeOptions,
                into: &output)
            return output.writerIndex
        }
        return (thrift.readableBytes, encode, decode)
    }
}
