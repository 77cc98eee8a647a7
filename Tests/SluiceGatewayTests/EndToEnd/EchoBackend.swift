import NIOCore
import SluiceThrift
import SluiceThriftServer
import Synchronization

/// The Thrift backend the end-to-end tests call: a real `ThriftServer` handler that reads and writes with
/// the same codec the gateway uses, one method per behaviour.
final class EchoBackend: ThriftServiceHandler {
    static let idl = """
        struct EchoRequest {
          1: required string name
          2: optional bool verbose
          3: optional string user
          4: optional i32 count
        }
        /// Shaped like `Say`'s arguments, so the backend answers with exactly what reached it.
        struct Echoed { 1: EchoRequest req }
        exception NotFound { 1: string message }
        service EchoService {
          Echoed Say(1: EchoRequest req)
          Echoed Find(1: EchoRequest req) throws (1: NotFound notFound)
          void Ping()
          oneway void Fire(1: string what)
          void Boom()
          void Hang()
        }
        """

    private let service: ServiceDescriptor
    private let schema: ThriftSchema
    private let fired = Atomic(0)

    init(schema: ThriftSchema) throws {
        guard let service = schema.services["EchoService"] else {
            throw ThriftApplicationFailure(type: .unknownService, message: "the IDL has no EchoService")
        }
        self.service = service
        self.schema = schema
    }

    /// Oneway calls received so far.
    var firedCount: Int { fired.load(ordering: .relaxed) }

    func handle(
        method name: String,
        arguments: ByteBuffer,
        protocol kind: ThriftProtocolKind,
        allocator: ByteBufferAllocator
    ) throws -> ByteBuffer? {
        guard let method = service.method(named: name) else {
            throw ThriftApplicationFailure(type: .unknownMethod, message: "no method \(name)")
        }
        var result = allocator.buffer(capacity: 64)
        switch name {
        case "Say":
            result.writeStaticString(#"{"success":"#)
            var arguments = arguments
            try ThriftJSONCodec.decodeStruct(
                method.arguments, schema: schema, from: &arguments, protocol: kind, into: &result
            )
            result.writeStaticString("}")
        case "Find":
            result.writeStaticString(#"{"notFound":{"message":"nothing is called that"}}"#)
        case "Ping":
            result.writeStaticString("{}")
        case "Fire":
            fired.add(1, ordering: .relaxed)
            return nil
        case "Boom":
            throw ThriftApplicationFailure(type: .internalError, message: "boom")
        default:
            // `Hang`: never answer, so the gateway's own timeout has to.
            return nil
        }
        var reply = allocator.buffer(capacity: result.readableBytes)
        try ThriftJSONCodec.encodeStruct(
            method.result, schema: schema, json: result, protocol: kind, into: &reply
        )
        return reply
    }
}

/// `Echoed` as the gateway writes it. Decoded rather than compared as text: the gateway writes fields in
/// the order they arrive, which the IDL does not fix.
struct Echoed: Decodable, Equatable {
    struct Request: Decodable, Equatable {
        var name: String
        var verbose: Bool?
        var user: String?
        var count: Int32?
    }

    var req: Request

    init(name: String, verbose: Bool? = nil, user: String? = nil, count: Int32? = nil) {
        req = Request(name: name, verbose: verbose, user: user, count: count)
    }
}
