import NIOCore
import SluiceThrift
import SluiceThriftServer

/// The example backend `sluice demo` runs: one Thrift server port for every IDL in examples/, answering
/// from simple in-memory handlers. The server detects each connection's transport and protocol.
///
/// EchoService answers straight from the argument bytes (``EchoReply``); StoreService decodes its
/// arguments to JSON with the transcoder, runs ``DemoStore``, and encodes the `_result` the same way.
struct DemoBackend: ThriftServiceHandler {
    let store: DemoStore
    let storeSchema: ThriftSchema
    /// StoreService's methods, inherited ones included, by name.
    let storeMethods: [String: MethodDescriptor]

    init(storeSchema: ThriftSchema, store: DemoStore = DemoStore()) throws(DemoSetupError) {
        guard let service = storeSchema.services["StoreService"] else {
            throw DemoSetupError("\(storeSchema.rootFile): no StoreService")
        }
        self.store = store
        self.storeSchema = storeSchema
        self.storeMethods = Dictionary(service.methods.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    func handle(method: String, arguments: ByteBuffer, protocol: ThriftProtocolKind, allocator: ByteBufferAllocator)
        throws -> ByteBuffer?
    {
        if method == "Say" || method == "Echo" {
            return try EchoReply.make(arguments: arguments, protocol: `protocol`, allocator: allocator)
        }
        guard let descriptor = storeMethods[method] else {
            throw ThriftApplicationFailure(type: .unknownMethod, message: "the demo backend has no method \(method)")
        }
        return try callStore(descriptor, arguments: arguments, protocol: `protocol`, allocator: allocator)
    }

    private func callStore(
        _ method: MethodDescriptor, arguments: ByteBuffer, protocol: ThriftProtocolKind, allocator: ByteBufferAllocator
    ) throws -> ByteBuffer? {
        var input = arguments
        var json = allocator.buffer(capacity: input.readableBytes * 2 + 16)
        let parsed: DemoJSON
        do {
            try ThriftJSONCodec.decodeStruct(
                method.arguments, schema: storeSchema, from: &input, protocol: `protocol`, options: TranscodeOptions(),
                into: &json)
            parsed = try DemoJSON.parse(json.readableBytesView)
        } catch {
            throw ThriftApplicationFailure(type: .protocolError, message: "\(method.name) arguments: \(error)")
        }

        let outcome = store.call(method.name, arguments: parsed)
        if method.oneway { return nil }
        let result: DemoJSON
        switch outcome {
        case .success(let value): result = .object(["success": value])
        case .void: result = .object([:])
        case .exception(let field, let value): result = .object([field: value])
        case .applicationError(let type, let message):
            throw ThriftApplicationFailure(type: .init(rawValue: type), message: message)
        }
        var reply = allocator.buffer(capacity: 256)
        do {
            try ThriftJSONCodec.encodeStruct(
                method.result, schema: storeSchema, json: allocator.buffer(string: result.serialized),
                protocol: `protocol`, options: TranscodeOptions(), into: &reply)
        } catch {
            throw ThriftApplicationFailure(type: .internalError, message: "\(method.name) result: \(error)")
        }
        return reply
    }
}

/// The demo could not start: its IDLs or routes are missing or invalid.
struct DemoSetupError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
