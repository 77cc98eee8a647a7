import NIOCore

/// Finds where a Buffered-transport message ends by parsing it with ``ThriftSkipper``.
public struct ThriftParsingLengthFinder: ThriftMessageLengthFinder {
    /// Largest message accepted; a declared size beyond it is an error rather than a wait for more bytes.
    public var maxLength: Int

    public init(maxLength: Int = 16_384_000) {
        self.maxLength = maxLength
    }

    public func messageLength(in buffer: ByteBuffer, protocol kind: ThriftProtocolKind) throws -> Int? {
        try ThriftSkipper.messageLength(in: buffer, protocol: kind, maxLength: maxLength)
    }
}
