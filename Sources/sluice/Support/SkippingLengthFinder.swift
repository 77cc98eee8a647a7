import NIOCore
import SluiceThrift

/// Finds where an unframed (Buffered) message ends by skipping over it: what the client and the demo
/// backend need for the `buffered` transport.
struct SkippingLengthFinder: ThriftMessageLengthFinder {
    func messageLength(in buffer: ByteBuffer, protocol kind: ThriftProtocolKind) throws -> Int? {
        try ThriftSkipper.messageLength(in: buffer, protocol: kind)
    }
}
