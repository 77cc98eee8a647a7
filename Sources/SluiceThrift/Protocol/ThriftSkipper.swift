import NIOCore

/// Skips values of any type, and finds where a message or struct ends (for the Buffered transport, whose
/// only delimiter is the encoding itself).
public enum ThriftSkipper {
    /// Reads past one value of `type`, checking it is well formed, nesting at most `maxDepth` deep.
    public static func skip<Reader: ThriftProtocolReader>(
        _ type: WireType, reader: inout Reader, maxDepth: Int = 64
    ) throws(ThriftProtocolError) {
        try skip(type, reader: &reader, depth: maxDepth)
    }

    static func skip<Reader: ThriftProtocolReader>(
        _ type: WireType, reader: inout Reader, depth: Int
    ) throws(ThriftProtocolError) {
        switch type {
        case .stop:
            throw ThriftProtocolError(.invalidType, at: reader.offset, "STOP is not a value type")
        case .bool: _ = try reader.readBool()
        case .i8: _ = try reader.readI8()
        case .i16: _ = try reader.readI16()
        case .i32: _ = try reader.readI32()
        case .i64: _ = try reader.readI64()
        case .double: _ = try reader.readDouble()
        case .string: _ = try reader.readBinary()
        case .uuid: _ = try reader.readUUID()
        case .structure:
            guard depth > 0 else { throw tooDeep(reader) }
            let mark = reader.readStructBegin()
            while true {
                let field = try reader.readFieldBegin()
                if field.type == .stop { break }
                try skip(field.type, reader: &reader, depth: depth - 1)
            }
            reader.readStructEnd(mark)
        case .list, .set:
            guard depth > 0 else { throw tooDeep(reader) }
            let header = try reader.readListBegin()
            for _ in 0..<header.count {
                try skip(header.element, reader: &reader, depth: depth - 1)
            }
        case .map:
            guard depth > 0 else { throw tooDeep(reader) }
            let header = try reader.readMapBegin()
            for _ in 0..<header.count {
                try skip(header.key, reader: &reader, depth: depth - 1)
                try skip(header.value, reader: &reader, depth: depth - 1)
            }
        }
    }

    private static func tooDeep<Reader: ThriftProtocolReader>(_ reader: Reader) -> ThriftProtocolError {
        ThriftProtocolError(.tooDeep, at: reader.offset, "values nested too deeply")
    }

    /// The byte length of the message (header and body struct) starting at `buffer.readerIndex`: nil when the
    /// buffer holds only part of it; throws when the bytes cannot be a message. `maxLength` bounds the
    /// message: a declared size beyond it, or an incomplete message already that long, is an error, so a
    /// corrupt length cannot make a reader buffer forever.
    public static func messageLength(
        in buffer: ByteBuffer, protocol kind: ThriftProtocolKind, maxLength: Int = 16_384_000
    ) throws(ThriftProtocolError) -> Int? {
        try measure(buffer, maxLength: maxLength) { bytes throws(ThriftProtocolError) -> Int in
            switch kind {
            case .binary:
                var reader = ThriftBinaryReader(bytes: bytes, maxSize: maxLength)
                try skipBinaryMessageHeader(&reader)
                try skip(.structure, reader: &reader)
                return reader.offset
            case .compact:
                var reader = ThriftCompactReader(bytes: bytes, maxSize: maxLength)
                try skipCompactMessageHeader(&reader)
                try skip(.structure, reader: &reader)
                return reader.offset
            }
        }
    }

    /// The byte length of the struct starting at `buffer.readerIndex` (through its STOP); nil when incomplete.
    public static func structLength(
        in buffer: ByteBuffer, protocol kind: ThriftProtocolKind, maxLength: Int = 16_384_000
    ) throws(ThriftProtocolError) -> Int? {
        try measure(buffer, maxLength: maxLength) { bytes throws(ThriftProtocolError) -> Int in
            switch kind {
            case .binary:
                var reader = ThriftBinaryReader(bytes: bytes, maxSize: maxLength)
                try skip(.structure, reader: &reader)
                return reader.offset
            case .compact:
                var reader = ThriftCompactReader(bytes: bytes, maxSize: maxLength)
                try skip(.structure, reader: &reader)
                return reader.offset
            }
        }
    }

    private static func measure(
        _ buffer: ByteBuffer, maxLength: Int,
        _ body: (UnsafeRawBufferPointer) throws(ThriftProtocolError) -> Int
    ) throws(ThriftProtocolError) -> Int? {
        do throws(ThriftProtocolError) {
            let length = try buffer.withUnsafeReadableBytes { bytes throws(ThriftProtocolError) in try body(bytes) }
            if length > maxLength {
                throw ThriftProtocolError(.tooLarge, at: 0, "message of \(length) bytes exceeds the limit of \(maxLength)")
            }
            return length
        } catch {
            guard error.kind == .truncated else { throw error }
            if buffer.readableBytes >= maxLength {
                throw ThriftProtocolError(.tooLarge, at: 0, "incomplete message already exceeds \(maxLength) bytes")
            }
            return nil
        }
    }

    /// Strict Binary: `0x8001 0 type`, name, seqid. The old unversioned form is rejected, as Kitex does.
    static func skipBinaryMessageHeader(_ reader: inout ThriftBinaryReader) throws(ThriftProtocolError) {
        let version = UInt32(bitPattern: try reader.readI32())
        guard version & 0xFFFF_0000 == 0x8001_0000 else {
            throw ThriftProtocolError(.badVersion, at: 0, "not a strict Binary message (0x\(String(version, radix: 16)))")
        }
        guard (1...4).contains(version & 0xFF) else {
            throw ThriftProtocolError(.badVersion, at: 3, "invalid message type \(version & 0xFF)")
        }
        _ = try reader.readBinary()
        _ = try reader.readI32()
    }

    /// Compact: `0x82`, `type<<5 | 1`, seqid varint, name.
    static func skipCompactMessageHeader(_ reader: inout ThriftCompactReader) throws(ThriftProtocolError) {
        let protocolID = try reader.cursor.byte()
        guard protocolID == 0x82 else {
            throw ThriftProtocolError(.badVersion, at: 0, "not a Compact message (0x\(String(protocolID, radix: 16)))")
        }
        let versionAndType = try reader.cursor.byte()
        guard versionAndType & 0x1F == 1, (1...4).contains(versionAndType >> 5) else {
            throw ThriftProtocolError(.badVersion, at: 1, "invalid Compact version/type byte 0x\(String(versionAndType, radix: 16))")
        }
        _ = try reader.cursor.varint()
        _ = try reader.readBinary()
    }
}
