import NIOCore
import SluiceThrift
import SluiceThriftServer

/// EchoService's answer, made from the argument bytes without decoding them: the benchmark backend's path.
///
/// `Request` and `Response` in echo.thrift have the same field ids and types, so `Say(1: Request req)`'s
/// `_args` struct — field 1 holding the request, then STOP — becomes its `_result` struct by re-tagging
/// field 1 as field 0 (`success`). The rest of the bytes are copied as they are.
enum EchoReply {
    /// Checks that echo.thrift still allows the re-tagging: `Say` and `Echo` take `1: Request` and return a
    /// `Response` with the same field ids and types.
    static func verify(_ schema: ThriftSchema) throws(DemoSetupError) {
        guard let service = schema.services["EchoService"] else {
            throw DemoSetupError("\(schema.rootFile): no EchoService")
        }
        for name in ["Say", "Echo"] {
            guard let method = service.method(named: name) else {
                throw DemoSetupError("\(schema.rootFile): EchoService has no method \(name)")
            }
            let arguments = schema[method.arguments].fields
            guard arguments.count == 1, arguments[0].id == 1, case .structure(let request) = arguments[0].type,
                case .structure(let response)? = method.returnType,
                schema[request].fields.elementsEqual(schema[response].fields, by: { $0.id == $1.id && $0.type == $1.type })
            else {
                throw DemoSetupError(
                    "\(method.location): the demo echoes bytes, so \(name) must take (1: Request req) and return a "
                        + "Response with Request's field ids and types")
            }
        }
    }

    static func make(arguments: ByteBuffer, protocol: ThriftProtocolKind, allocator: ByteBufferAllocator) throws
        -> ByteBuffer
    {
        let bytes = arguments.readableBytesView
        var reply = allocator.buffer(capacity: bytes.count + 1)
        switch `protocol` {
        case .binary:
            // type 12 (struct), id 0x0001
            guard bytes.count >= 4, bytes.first == 12, arguments.getInteger(at: arguments.readerIndex + 1, as: UInt16.self) == 1,
                bytes.last == 0
            else { throw malformed }
            reply.writeBytes([12, 0, 0])
            reply.writeBytes(bytes.dropFirst(3))
        case .compact:
            // Short form: id delta 1, type 12 (struct). Field 0 cannot use the short form: type, then zigzag id 0.
            guard bytes.count >= 2, bytes.first == 0x1C, bytes.last == 0 else { throw malformed }
            reply.writeBytes([0x0C, 0x00])
            reply.writeBytes(bytes.dropFirst(1))
        }
        return reply
    }

    private static var malformed: ThriftApplicationFailure {
        ThriftApplicationFailure(type: .protocolError, message: "expected the arguments (1: Request req)")
    }
}
