import NIOCore

extension ThriftMessageHeader {
    /// Writes the header: strict Binary (`0x8001`, type, name, seq id) or Compact (`0x82`, `type<<5|1`,
    /// varint seq id, varint name length, name).
    public func write(to buffer: inout ByteBuffer, protocol kind: ThriftProtocolKind) {
        switch kind {
        case .binary:
            buffer.writeInteger(Self.binaryVersion | UInt32(type.rawValue))
            // Reserve the length, then fill it in: a String's UTF-8 count is not free to compute up front.
            let lengthIndex = buffer.writerIndex
            buffer.writeInteger(Int32(0))
            let written = buffer.writeString(name)
            buffer.setInteger(Int32(written), at: lengthIndex)
            buffer.writeInteger(sequenceID)
        case .compact:
            buffer.writeInteger(Self.compactProtocolID)
            buffer.writeInteger(type.rawValue << 5 | Self.compactVersion)
            // Compact writes the seq id as an unsigned varint of its bit pattern, without zigzag.
            TransportVarint.write(UInt64(UInt32(bitPattern: sequenceID)), into: &buffer)
            TransportVarint.write(UInt64(name.utf8.count), into: &buffer)
            buffer.writeString(name)
        }
    }

    /// Reads a header, leaving `buffer` at the start of the message body.
    public static func read(
        from buffer: inout ByteBuffer,
        protocol kind: ThriftProtocolKind
    ) throws(ThriftTransportError) -> ThriftMessageHeader {
        let start = buffer.readerIndex
        var copy = buffer
        let header: ThriftMessageHeader
        switch kind {
        case .binary: header = try readBinary(from: &copy, start: start)
        case .compact: header = try readCompact(from: &copy, start: start)
        }
        buffer = copy
        return header
    }

    private static func readBinary(from buffer: inout ByteBuffer, start: Int) throws(ThriftTransportError)
        -> ThriftMessageHeader
    {
        guard let version = buffer.readInteger(as: UInt32.self) else {
            throw ThriftTransportError(.malformedMessageHeader, offset: start, "message header is truncated")
        }
        // Kitex rejects the old non-strict form, and so do we: it cannot be told apart from garbage reliably.
        guard version & 0xFFFF_0000 == binaryVersion else {
            throw ThriftTransportError(
                .malformedMessageHeader, offset: start,
                "expected a strict Binary message header (0x8001), found 0x\(String(version, radix: 16))")
        }
        let type = try messageType(UInt8(truncatingIfNeeded: version), offset: start + 3)
        guard let nameLength = buffer.readInteger(as: Int32.self), nameLength >= 0,
            let name = buffer.readString(length: Int(nameLength))
        else {
            throw ThriftTransportError(.malformedMessageHeader, offset: start + 4, "method name is truncated")
        }
        guard let sequenceID = buffer.readInteger(as: Int32.self) else {
            throw ThriftTransportError(
                .malformedMessageHeader, offset: buffer.readerIndex, "sequence id is truncated")
        }
        return ThriftMessageHeader(name: name, type: type, sequenceID: sequenceID)
    }

    private static func readCompact(from buffer: inout ByteBuffer, start: Int) throws(ThriftTransportError)
        -> ThriftMessageHeader
    {
        guard let protocolID = buffer.readInteger(as: UInt8.self),
            let versionAndType = buffer.readInteger(as: UInt8.self)
        else {
            throw ThriftTransportError(.malformedMessageHeader, offset: start, "message header is truncated")
        }
        guard protocolID == compactProtocolID, versionAndType & 0x1F == compactVersion else {
            throw ThriftTransportError(
                .malformedMessageHeader, offset: start, "expected a Compact message header (0x82, version 1)")
        }
        let type = try messageType(versionAndType >> 5, offset: start + 1)
        guard case .value(let rawSequenceID) = TransportVarint.read(from: &buffer, maxBytes: 5),
            rawSequenceID <= UInt32.max
        else {
            throw ThriftTransportError(.malformedMessageHeader, offset: start + 2, "bad sequence id varint")
        }
        let nameOffset = buffer.readerIndex
        guard case .value(let nameLength) = TransportVarint.read(from: &buffer, maxBytes: 5),
            nameLength <= Int32.max,
            let name = buffer.readString(length: Int(nameLength))
        else {
            throw ThriftTransportError(.malformedMessageHeader, offset: nameOffset, "method name is truncated")
        }
        return ThriftMessageHeader(
            name: name, type: type, sequenceID: Int32(bitPattern: UInt32(truncatingIfNeeded: rawSequenceID)))
    }

    private static func messageType(_ raw: UInt8, offset: Int) throws(ThriftTransportError) -> ThriftMessageType {
        guard let type = ThriftMessageType(rawValue: raw) else {
            throw ThriftTransportError(.malformedMessageHeader, offset: offset, "unknown message type \(raw)")
        }
        return type
    }
}
