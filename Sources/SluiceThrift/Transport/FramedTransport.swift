import NIOCore

/// Apache Thrift's Framed transport: `length:i32` then one message.
public enum FramedTransport {
    /// Apache's default maximum frame size.
    public static let defaultMaxFrameLength = 16_384_000

    public static func writeFrameStart(into buffer: inout ByteBuffer) -> ThriftFrameStart {
        let lengthIndex = buffer.writerIndex
        buffer.writeInteger(UInt32(0))
        return ThriftFrameStart(lengthIndex: lengthIndex, payloadIndex: buffer.writerIndex)
    }

    /// Reads one frame's payload from the front of `buffer`, or nil until it is complete. The payload is a slice.
    public static func readFrame(
        from buffer: inout ByteBuffer,
        maxFrameLength: Int = defaultMaxFrameLength
    ) throws(ThriftTransportError) -> ByteBuffer? {
        guard let length = try peekLength(in: buffer, maxFrameLength: maxFrameLength),
            buffer.readableBytes >= 4 + length
        else { return nil }
        buffer.moveReaderIndex(forwardBy: 4)
        return buffer.readSlice(length: length)
    }

    /// The u32 length at the reader index, rejected as soon as it is known to be over the limit.
    static func peekLength(in buffer: ByteBuffer, maxFrameLength: Int) throws(ThriftTransportError) -> Int? {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self) else { return nil }
        guard length <= maxFrameLength else {
            throw ThriftTransportError(
                .frameTooLarge, offset: 0, "frame length \(length) exceeds the limit of \(maxFrameLength)")
        }
        return Int(length)
    }
}
