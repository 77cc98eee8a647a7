import NIOCore

/// A TTHeader frame start encoded once and stamped with each frame's seq id.
///
/// A client's request headers repeat (same service, method and timeout), so encoding the info blocks (sorting
/// keys, measuring strings) once per method instead of once per call takes that work off the hot path.
public struct TTHeaderTemplate: Sendable, Hashable {
    /// Length slot, preamble and header section, with seq id 0.
    private let prefix: ByteBuffer

    public init(_ header: TTHeader) throws(ThriftTransportError) {
        var header = header
        header.sequenceID = 0
        var prefix = ByteBuffer()
        _ = try header.writeFrameStart(into: &prefix)
        self.prefix = prefix
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
}
