import NIOCore

extension THeader {
    /// Writes the length slot, the preamble and the header section; the caller writes the payload and then calls
    /// ``ThriftFrameStart/finish(in:maxFrameLength:)``, which applies the ZLIB transform if present.
    public func writeFrameStart(into buffer: inout ByteBuffer) throws(ThriftTransportError) -> ThriftFrameStart {
        for transform in transforms where transform != .zlib {
            throw ThriftTransportError(.unsupportedTransform, "THeader transform \(transform.rawValue) is not supported")
        }
        let lengthIndex = buffer.writerIndex
        buffer.writeInteger(UInt32(0))
        buffer.writeInteger(Self.magic)
        buffer.writeInteger(flags)
        buffer.writeInteger(sequenceID)
        let headerSizeIndex = buffer.writerIndex
        buffer.writeInteger(UInt16(0))
        let headerStart = buffer.writerIndex
        TransportVarint.write(Self.protocolID(protocolKind), into: &buffer)
        TransportVarint.write(UInt64(transforms.count), into: &buffer)
        for transform in transforms { TransportVarint.write(UInt64(transform.rawValue), into: &buffer) }
        if !info.isEmpty {
            TransportVarint.write(1, into: &buffer)
            TransportVarint.write(UInt64(info.count), into: &buffer)
            // Sorted, so the bytes are deterministic.
            for key in info.keys.sorted() {
                Self.writeString(key, into: &buffer)
                Self.writeString(info[key] ?? "", into: &buffer)
            }
        }
        let unpadded = buffer.writerIndex - headerStart
        let padding =
            switch self.padding {
            case .minimal: (4 - unpadded % 4) % 4
            case .alwaysSome: 4 - unpadded % 4
            }
        buffer.writeRepeatingByte(0, count: padding)
        let words = (unpadded + padding) / 4
        guard words <= Int(UInt16.max) else {
            throw ThriftTransportError(.valueTooLong, "THeader header section of \(unpadded) bytes is too long")
        }
        buffer.setInteger(UInt16(words), at: headerSizeIndex)
        return ThriftFrameStart(
            lengthIndex: lengthIndex, payloadIndex: buffer.writerIndex, deflatePayload: transforms.contains(.zlib))
    }

    /// A whole frame around `payload` (a message header plus body).
    public func encodeFrame(payload: ByteBuffer, into buffer: inout ByteBuffer) throws(ThriftTransportError) {
        let start = try writeFrameStart(into: &buffer)
        var payload = payload
        buffer.writeBuffer(&payload)
        try start.finish(in: &buffer)
    }

    private static func writeString(_ string: String, into buffer: inout ByteBuffer) {
        TransportVarint.write(UInt64(string.utf8.count), into: &buffer)
        buffer.writeString(string)
    }

    /// Reads one THeader frame from the front of `buffer`, or nil until it is complete.
    ///
    /// The returned payload has its transforms undone (ZLIB inflated, bounded by `maxFrameLength`). With
    /// `keepingInfo: false` the KEYVALUE info is checked but not stored.
    public static func readFrame(
        from buffer: inout ByteBuffer,
        maxFrameLength: Int = FramedTransport.defaultMaxFrameLength,
        keepingInfo: Bool = true
    ) throws(ThriftTransportError) -> (header: THeader, payload: ByteBuffer)? {
        // The length prefix is the same as Framed's: checked against the limit before anything is buffered.
        guard var frame = try FramedTransport.readFrame(from: &buffer, maxFrameLength: maxFrameLength) else {
            return nil
        }
        let header = try readHeader(from: &frame, keepingInfo: keepingInfo)
        var payload = frame
        // Transforms are undone in reverse order of application.
        for transform in header.transforms.reversed() {
            guard transform == .zlib else {
                throw ThriftTransportError(
                    .unsupportedTransform, offset: 14, "THeader transform \(transform.rawValue) is not supported")
            }
            payload = try ZlibTransform.inflate(payload, maxLength: maxFrameLength)
        }
        return (header, payload)
    }

    /// Parses the part after the length; leaves `frame` at the payload.
    static func readHeader(from frame: inout ByteBuffer, keepingInfo: Bool) throws(ThriftTransportError) -> THeader {
        let preamble = try HeaderPreamble.read(from: &frame, magic: Self.magic, format: "THeader")
        guard var section = frame.readSlice(length: preamble.headerBytes) else {
            throw ThriftTransportError(
                .malformedHeader, offset: 12, "THeader header size of \(preamble.headerBytes) bytes does not fit the frame")
        }
        // The section is a slice: its index 0 is frame byte 14.
        func positioned(_ message: String) -> ThriftTransportError {
            ThriftTransportError(.malformedHeader, offset: 14 + section.readerIndex, message)
        }
        func varint() throws(ThriftTransportError) -> UInt64 {
            guard case .value(let value) = TransportVarint.read(from: &section) else {
                throw positioned("bad varint in THeader header")
            }
            return value
        }
        func string() throws(ThriftTransportError) -> String {
            let length = try varint()
            guard length <= UInt64(section.readableBytes), let string = section.readString(length: Int(length)) else {
                throw positioned("THeader info string is truncated")
            }
            return string
        }

        func skipString() throws(ThriftTransportError) {
            let length = try varint()
            guard length <= UInt64(section.readableBytes) else { throw positioned("THeader info string is truncated") }
            section.moveReaderIndex(forwardBy: Int(length))
        }

        let protocolKind: ThriftProtocolKind
        switch try varint() {
        case 0: protocolKind = .binary
        case 2: protocolKind = .compact
        case let other:
            throw ThriftTransportError(.unsupportedProtocol, offset: 14, "THeader protocol id \(other) is not supported")
        }
        let transformCount = try varint()
        guard transformCount <= UInt64(section.readableBytes) else { throw positioned("too many THeader transforms") }
        var transforms: [Transform] = []
        for _ in 0..<transformCount {
            let id = try varint()
            guard id <= UInt32.max else { throw positioned("THeader transform id \(id) is out of range") }
            transforms.append(Transform(rawValue: UInt32(id)))
        }
        var info: [String: String] = [:]
        // Readers stop at padding (id 0), at an id they do not know, or at the end of the section.
        infoLoop: while section.readableBytes > 0 {
            let infoID = try varint()
            guard infoID == 1 else { break infoLoop }
            let count = try varint()
            guard count <= UInt64(section.readableBytes) else { throw positioned("THeader info count is too large") }
            for _ in 0..<count {
                guard keepingInfo else {
                    try skipString()
                    try skipString()
                    continue
                }
                let key = try string()
                info[key] = try string()
            }
        }
        return THeader(
            flags: preamble.flags, sequenceID: preamble.sequenceID, protocolKind: protocolKind, transforms: transforms, info: info)
    }
}
