internal import NIOCore

/// gRPC's length-prefixed messages (a flag byte, a big-endian 32-bit length, the message) out of DATA frames
/// that may split or join them anywhere.
///
/// A message that arrived whole in one frame is handed out as a slice of it, without a copy.
struct GRPCMessageReassembler: Sendable {
    static let prefixLength = 5

    let maxMessageSize: Int
    private var pending: ByteBuffer?

    init(maxMessageSize: Int) {
        self.maxMessageSize = maxMessageSize
    }

    /// Bytes received but not yet handed out as a message.
    var pendingBytes: Int { pending?.readableBytes ?? 0 }

    mutating func append(_ bytes: ByteBuffer) {
        if pending == nil || pending?.readableBytes == 0 {
            pending = bytes
        } else {
            var incoming = bytes
            pending?.writeBuffer(&incoming)
        }
    }

    /// The next whole message, nil until more bytes come. A message is checked (flag, size) as soon as its
    /// prefix is in, so an oversized one is refused before its bytes are held.
    mutating func next() throws(GRPCWireError) -> ByteBuffer? {
        guard var buffer = pending, buffer.readableBytes >= Self.prefixLength,
            let flag = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self),
            let length = buffer.getInteger(at: buffer.readerIndex + 1, as: UInt32.self)
        else { return nil }
        switch flag {
        case 0: break
        case 1: throw .compressedMessage
        default: throw .compressionFlag(flag)
        }
        guard Int(length) <= maxMessageSize else { throw .messageTooLarge(length: Int(length), limit: maxMessageSize) }
        guard buffer.readableBytes >= Self.prefixLength + Int(length) else { return nil }
        pending = nil  // one owner of the storage while slicing, so the slice is not copied later
        buffer.moveReaderIndex(forwardBy: Self.prefixLength)
        let message = buffer.readSlice(length: Int(length))
        pending = buffer
        return message
    }

    /// Appends `message` with its prefix (uncompressed) to `buffer`.
    static func frame(_ message: ByteBuffer, into buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt8(0))
        buffer.writeInteger(UInt32(truncatingIfNeeded: message.readableBytes))
        var message = message
        buffer.writeBuffer(&message)
    }
}
