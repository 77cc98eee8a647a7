import NIOCore

extension TTHeader {
    /// Reads one TTHeader frame from the front of `buffer`.
    ///
    /// Returns nil (leaving `buffer` untouched) until the whole frame is there. The length is checked against
    /// `maxFrameLength` as soon as its 4 bytes arrive, before anything is buffered for it. The payload is a slice
    /// of the frame, not a copy. With `keepingInfo: false` the info blocks are checked but not stored (for readers
    /// that only need the payload: no dictionaries, no strings).
    public static func readFrame(
        from buffer: inout ByteBuffer,
        maxFrameLength: Int = FramedTransport.defaultMaxFrameLength,
        keepingInfo: Bool = true
    ) throws(ThriftTransportError) -> (header: TTHeader, payload: ByteBuffer)? {
        // The length prefix is the same as Framed's: checked against the limit before anything is buffered.
        guard var frame = try FramedTransport.readFrame(from: &buffer, maxFrameLength: maxFrameLength) else {
            return nil
        }
        let header = try readHeader(from: &frame, keepingInfo: keepingInfo)
        return (header, frame)
    }

    /// Parses the part after the length: preamble, header section and padding; leaves `frame` at the payload.
    static func readHeader(from frame: inout ByteBuffer, keepingInfo: Bool) throws(ThriftTransportError) -> TTHeader {
        let preamble = try HeaderPreamble.read(from: &frame, magic: Self.magic, format: "TTHeader")
        let headerBytes = preamble.headerBytes
        guard headerBytes >= 2, headerBytes <= maxHeaderBytes, var section = frame.readSlice(length: headerBytes)
        else {
            throw ThriftTransportError(
                .malformedHeader, offset: 12,
                "TTHeader header size of \(headerBytes) bytes does not fit the frame (2...\(maxHeaderBytes))")
        }
        // Offsets in errors count from the frame's length field, as a hex dump of the frame would; the section
        // is a slice, so its indices start at 0 at frame byte 14.
        func positioned(_ message: String) -> ThriftTransportError {
            ThriftTransportError(.malformedHeader, offset: 14 + section.readerIndex, message)
        }
        guard let protocolID = section.readInteger(as: UInt8.self),
            let transformCount = section.readInteger(as: UInt8.self),
            let transformIDs = section.readBytes(length: Int(transformCount))
        else { throw positioned("TTHeader transform ids are truncated") }

        var header = TTHeader(flags: preamble.flags, sequenceID: preamble.sequenceID, protocolID: protocolID, transformIDs: transformIDs)
        while let infoID = section.readInteger(as: UInt8.self) {
            switch infoID {
            case InfoID.padding:
                continue
            case InfoID.keyValue:
                guard let count = section.readInteger(as: UInt16.self) else {
                    throw positioned("string info count is truncated")
                }
                if keepingInfo { header.stringInfo.reserveCapacity(Int(count)) }
                for _ in 0..<count {
                    guard keepingInfo else {
                        guard skipString(in: &section), skipString(in: &section) else {
                            throw positioned("string info entry is truncated")
                        }
                        continue
                    }
                    guard let key = readString(from: &section), let value = readString(from: &section) else {
                        throw positioned("string info entry is truncated")
                    }
                    header.stringInfo[key] = value
                }
            case InfoID.intKeyValue:
                guard let count = section.readInteger(as: UInt16.self) else {
                    throw positioned("int info count is truncated")
                }
                if keepingInfo { header.intInfo.reserveCapacity(Int(count)) }
                for _ in 0..<count {
                    guard let key = section.readInteger(as: UInt16.self) else {
                        throw positioned("int info entry is truncated")
                    }
                    guard keepingInfo else {
                        guard skipString(in: &section) else { throw positioned("int info entry is truncated") }
                        continue
                    }
                    guard let value = readString(from: &section) else {
                        throw positioned("int info entry is truncated")
                    }
                    header.intInfo[TTHeaderIntKey(key)] = value
                }
            case InfoID.aclToken:
                guard keepingInfo else {
                    guard skipString(in: &section) else { throw positioned("ACL token is truncated") }
                    continue
                }
                guard let token = readString(from: &section) else { throw positioned("ACL token is truncated") }
                header.aclToken = token
            default:
                throw ThriftTransportError(
                    .unknownInfoID, offset: 14 + section.readerIndex - 1,
                    "unknown TTHeader info id 0x\(String(infoID, radix: 16))")
            }
        }
        return header
    }

    private static func skipString(in buffer: inout ByteBuffer) -> Bool {
        guard let length = buffer.readInteger(as: UInt16.self), buffer.readableBytes >= Int(length) else {
            return false
        }
        buffer.moveReaderIndex(forwardBy: Int(length))
        return true
    }

    private static func readString(from buffer: inout ByteBuffer) -> String? {
        guard let length = buffer.readInteger(as: UInt16.self) else { return nil }
        return buffer.readString(length: Int(length))
    }
}
