import NIOCore

extension TTHeader {
    /// Writes the length slot, the preamble and the header section; the caller writes the payload and then calls
    /// ``ThriftFrameStart/finish(in:)``.
    ///
    /// Pairs are written sorted by key so the bytes are deterministic (Kitex's order follows Go map iteration,
    /// which is random, so peers never depend on it).
    public func writeFrameStart(into buffer: inout ByteBuffer) throws(ThriftTransportError) -> ThriftFrameStart {
        try writeFrameStart(into: &buffer, padded: true)
    }

    /// With `padded` false, the header section stops after its last info block, unpadded and its size unset
    /// (``TTHeaderTemplate`` adds blocks and finishes it).
    func writeFrameStart(into buffer: inout ByteBuffer, padded: Bool) throws(ThriftTransportError) -> ThriftFrameStart {
        let lengthIndex = buffer.writerIndex
        buffer.writeInteger(UInt32(0))
        buffer.writeInteger(Self.magic)
        buffer.writeInteger(flags)
        buffer.writeInteger(sequenceID)
        let headerSizeIndex = buffer.writerIndex
        buffer.writeInteger(UInt16(0))
        let headerStart = buffer.writerIndex
        buffer.writeInteger(protocolID)
        guard transformIDs.count <= Int(UInt8.max) else {
            throw ThriftTransportError(.valueTooLong, "\(transformIDs.count) transforms do not fit a u8 count")
        }
        buffer.writeInteger(UInt8(transformIDs.count))
        for id in transformIDs { buffer.writeInteger(id) }

        if let aclToken {
            buffer.writeInteger(InfoID.aclToken)
            try Self.writeString(aclToken, into: &buffer)
        }
        if !stringInfo.isEmpty {
            guard stringInfo.count <= Int(UInt16.max) else {
                throw ThriftTransportError(.valueTooLong, "\(stringInfo.count) string keys do not fit a u16 count")
            }
            buffer.writeInteger(InfoID.keyValue)
            buffer.writeInteger(UInt16(stringInfo.count))
            for key in stringInfo.keys.sorted() {
                try Self.writeString(key, into: &buffer)
                try Self.writeString(stringInfo[key] ?? "", into: &buffer)
            }
        }
        if !intInfo.isEmpty {
            guard intInfo.count <= Int(UInt16.max) else {
                throw ThriftTransportError(.valueTooLong, "\(intInfo.count) int keys do not fit a u16 count")
            }
            buffer.writeInteger(InfoID.intKeyValue)
            buffer.writeInteger(UInt16(intInfo.count))
            for key in intInfo.keys.sorted() {
                buffer.writeInteger(key.rawValue)
                try Self.writeString(intInfo[key] ?? "", into: &buffer)
            }
        }
        guard padded else { return ThriftFrameStart(lengthIndex: lengthIndex, payloadIndex: buffer.writerIndex) }
        let unpadded = buffer.writerIndex - headerStart
        let padding = (4 - unpadded % 4) % 4
        buffer.writeRepeatingByte(0, count: padding)
        let headerBytes = unpadded + padding
        guard headerBytes <= Self.maxHeaderBytes else {
            throw ThriftTransportError(
                .valueTooLong, "TTHeader header section of \(headerBytes) bytes exceeds \(Self.maxHeaderBytes)")
        }
        buffer.setInteger(UInt16(headerBytes / 4), at: headerSizeIndex)
        return ThriftFrameStart(lengthIndex: lengthIndex, payloadIndex: buffer.writerIndex)
    }

    /// A whole frame around `payload` (a message header plus body).
    public func encodeFrame(payload: ByteBuffer, into buffer: inout ByteBuffer) throws(ThriftTransportError) {
        let start = try writeFrameStart(into: &buffer)
        var payload = payload
        buffer.writeBuffer(&payload)
        try start.finish(in: &buffer)
    }

    static func writeString(_ string: String, into buffer: inout ByteBuffer) throws(ThriftTransportError) {
        let lengthIndex = buffer.writerIndex
        buffer.writeInteger(UInt16(0))
        let written = buffer.writeString(string)
        guard written <= Int(UInt16.max) else {
            throw ThriftTransportError(.valueTooLong, "TTHeader strings are limited to 65535 bytes, got \(written)")
        }
        buffer.setInteger(UInt16(written), at: lengthIndex)
    }
}
