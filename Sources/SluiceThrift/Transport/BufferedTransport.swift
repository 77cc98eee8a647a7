import NIOCore

/// Finds where one whole Thrift message (header and body) ends by walking its structure.
///
/// The Buffered transport has no length prefix, so its reader needs this from the protocol codecs.
public protocol ThriftMessageLengthFinder: Sendable {
    /// The length of the message starting at `buffer`'s reader index; nil when more bytes are needed.
    func messageLength(in buffer: ByteBuffer, protocol: ThriftProtocolKind) throws -> Int?
}

/// The Buffered (unframed) transport: a message alone on the wire.
public enum BufferedTransport {
    public static func writeFrameStart(into buffer: inout ByteBuffer) -> ThriftFrameStart {
        ThriftFrameStart(lengthIndex: nil, payloadIndex: buffer.writerIndex)
    }

    /// Reads one message from the front of `buffer`, or nil until it is complete.
    ///
    /// A message still incomplete after `maxMessageLength` bytes is an error, so a peer cannot make the reader
    /// buffer without bound.
    public static func readMessage(
        from buffer: inout ByteBuffer,
        protocol kind: ThriftProtocolKind,
        finder: any ThriftMessageLengthFinder,
        maxMessageLength: Int = FramedTransport.defaultMaxFrameLength
    ) throws(ThriftTransportError) -> ByteBuffer? {
        let length: Int?
        do {
            length = try finder.messageLength(in: buffer, protocol: kind)
        } catch let error as ThriftTransportError {
            throw error
        } catch {
            throw ThriftTransportError(.malformedMessageHeader, offset: 0, "malformed message: \(error)")
        }
        guard let length else {
            if buffer.readableBytes > maxMessageLength {
                throw ThriftTransportError(
                    .frameTooLarge, offset: 0,
                    "unframed message longer than the limit of \(maxMessageLength) bytes")
            }
            return nil
        }
        guard length <= maxMessageLength else {
            throw ThriftTransportError(
                .frameTooLarge, offset: 0, "message of \(length) bytes exceeds the limit of \(maxMessageLength)")
        }
        return buffer.readSlice(length: length)
    }
}
