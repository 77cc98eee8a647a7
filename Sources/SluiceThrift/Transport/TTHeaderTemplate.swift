import NIOCore

/// A TTHeader frame start encoded once and stamped with each frame's seq id.
///
/// A client's request headers repeat (same service, method and timeout), so encoding the info blocks (sorting
/// keys, measuring strings) once per method instead of once per call takes that work off the hot path.
public struct TTHeaderTemplate: Sendable, Hashable {
    /// Length slot, preamble and header section, with seq id 0.
    private let prefix: ByteBuffer
    /// The same without the header section's padding, for a frame that adds info blocks of its own.
    private let unpadded: ByteBuffer

    public init(_ header: TTHeader) throws(ThriftTransportError) {
        var header = header
        header.sequenceID = 0
        var prefix = ByteBuffer()
        _ = try header.writeFrameStart(into: &prefix)
        self.prefix = prefix
        var unpadded = ByteBuffer()
        _ = try header.writeFrameStart(into: &unpadded, padded: false)
        self.unpadded = unpadded
    }

    /// Writes the frame start with `sequenceID`; write the payload next, then call
    /// ``ThriftFrameStart/finish(in:maxFrameLength:)``.
    public func writeFrameStart(sequenceID: Int32, into buffer: inout ByteBuffer) -> ThriftFrameStart {
        let start = buffer.writerIndex
        buffer.writeImmutableBuffer(prefix)
        // The seq id sits after the length (4), magic (2) and flags (2).
        buffer.setInteger(sequenceID, at: start + 8)
        return ThriftFrameStart(lengthIndex: start, payloadIndex: buffer.writerIndex)
    }

    /// The frame start with `extra` string info after the template's blocks: a second key-value block, which
    /// readers merge into the first (Kitex, and ``TTHeader``'s own reader, read info blocks until the padding).
    /// For per-call keys (trace context) without encoding the rest of the header again.
    public func writeFrameStart(sequenceID: Int32, extraStringInfo extra: [(key: String, value: String)], into buffer: inout ByteBuffer)
        throws(ThriftTransportError) -> ThriftFrameStart
    {
        let start = buffer.writerIndex
        buffer.writeImmutableBuffer(unpadded)
        buffer.setInteger(sequenceID, at: start + 8)
        if !extra.isEmpty {
            buffer.writeInteger(TTHeader.InfoID.keyValue)
            buffer.writeInteger(UInt16(truncatingIfNeeded: extra.count))
            for (key, value) in extra {
                try TTHeader.writeString(key, into: &buffer)
                try TTHeader.writeString(value, into: &buffer)
            }
        }
        // The header section starts after length (4), magic (2), flags (2), seq id (4) and its size (2).
        let unpaddedBytes = buffer.writerIndex - (start + 14)
        let headerBytes = unpaddedBytes + (4 - unpaddedBytes % 4) % 4
        buffer.writeRepeatingByte(0, count: headerBytes - unpaddedBytes)
        guard headerBytes <= TTHeader.maxHeaderBytes, extra.count <= Int(UInt16.max) else {
            throw ThriftTransportError(.valueTooLong, "TTHeader header section of \(headerBytes) bytes exceeds \(TTHeader.maxHeaderBytes)")
        }
        buffer.setInteger(UInt16(headerBytes / 4), at: start + 12)
        return ThriftFrameStart(lengthIndex: start, payloadIndex: buffer.writerIndex)
    }
}
