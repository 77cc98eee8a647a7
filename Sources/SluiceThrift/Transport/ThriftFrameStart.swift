import NIOCore

/// Where a frame being written began, so its length can be filled in (and THeader's ZLIB transform applied) once
/// the payload has been written after it.
public struct ThriftFrameStart: Sendable, Hashable {
    /// Index of the u32 length slot; nil for the unframed (Buffered) transport.
    let lengthIndex: Int?
    /// Index of the first payload byte.
    let payloadIndex: Int
    /// THeader's ZLIB transform: deflate the payload in `finish`.
    let deflatePayload: Bool

    init(lengthIndex: Int?, payloadIndex: Int, deflatePayload: Bool = false) {
        self.lengthIndex = lengthIndex
        self.payloadIndex = payloadIndex
        self.deflatePayload = deflatePayload
    }

    /// Applies the transforms and fills in the length prefix.
    public func finish(in buffer: inout ByteBuffer, maxFrameLength: Int = FramedTransport.defaultMaxFrameLength)
        throws(ThriftTransportError)
    {
        if deflatePayload {
            let payload = buffer.getSlice(at: payloadIndex, length: buffer.writerIndex - payloadIndex) ?? ByteBuffer()
            buffer.moveWriterIndex(to: payloadIndex)
            try ZlibTransform.deflate(payload, into: &buffer)
        }
        guard let lengthIndex else { return }
        let length = buffer.writerIndex - lengthIndex - 4
        guard length <= maxFrameLength else {
            throw ThriftTransportError(
                .frameTooLarge, offset: lengthIndex, "frame of \(length) bytes exceeds the limit of \(maxFrameLength)")
        }
        buffer.setInteger(UInt32(length), at: lengthIndex)
    }
}
