import Foundation
import NIOCore
import SluiceThrift
import SluiceThriftServer
import Synchronization

/// A backend for tests:
/// - `echo`: replies with the arguments' bytes as the result body (so each caller can recognise its answer);
/// - `Echo`: Kitex vector T1/T2's method, turning `Request` field 1 of the args into success field 0;
/// - `slow`: echoes after blocking its event loop for 300 ms (tests run the server on its own loops);
/// - `silent`: never answers;
/// - `fail`: throws a TApplicationException INTERNAL_ERROR; `boom`: throws another error;
/// - anything else: UNKNOWN_METHOD.
final class EchoHandler: ThriftServiceHandler {
    let calls = Atomic<Int>(0)
    let onewayCalls = Atomic<Int>(0)

    func handle(method: String, arguments: ByteBuffer, protocol: ThriftProtocolKind, allocator: ByteBufferAllocator)
        throws -> ByteBuffer?
    {
        calls.add(1, ordering: .relaxed)
        switch method {
        case "echo":
            return arguments
        case "Echo":
            var result = arguments
            result.setInteger(UInt8(0), at: result.readerIndex + 2)
            return result
        case "slow":
            Thread.sleep(forTimeInterval: 0.3)
            return arguments
        case "silent":
            return nil
        case "notify":
            onewayCalls.add(1, ordering: .relaxed)
            return nil
        case "fail":
            throw ThriftApplicationFailure(type: .internalError, message: "it broke")
        case "boom":
            struct Boom: Error {}
            throw Boom()
        default:
            throw ThriftApplicationFailure(type: .unknownMethod, message: "unknown method \(method)")
        }
    }
}

/// An `_args` body `{1: i32 n}` STOP in either protocol, so every request is distinct.
func argumentsBody(_ n: Int32, protocol kind: ThriftProtocolKind) -> ByteBuffer {
    var buffer = ByteBuffer()
    switch kind {
    case .binary:
        buffer.writeInteger(UInt8(8))
        buffer.writeInteger(Int16(1))
        buffer.writeInteger(n)
    case .compact:
        buffer.writeInteger(UInt8(0x15))
        var zigzag = UInt32(bitPattern: (n << 1) ^ (n >> 31))
        while zigzag >= 0x80 {
            buffer.writeInteger(UInt8(truncatingIfNeeded: zigzag) | 0x80)
            zigzag >>= 7
        }
        buffer.writeInteger(UInt8(zigzag))
    }
    buffer.writeInteger(UInt8(0))
    return buffer
}

/// Reads a TApplicationException body written in Binary: (message, type).
func readApplicationException(_ body: ByteBuffer) -> (message: String, type: Int32)? {
    var body = body
    var message: String?
    var type: Int32?
    while let fieldType = body.readInteger(as: UInt8.self), fieldType != 0 {
        guard let id = body.readInteger(as: Int16.self) else { return nil }
        switch (fieldType, id) {
        case (11, 1):
            guard let length = body.readInteger(as: Int32.self) else { return nil }
            message = body.readString(length: Int(length))
        case (8, 2):
            type = body.readInteger(as: Int32.self)
        default:
            return nil
        }
    }
    guard let message, let type else { return nil }
    return (message, type)
}
