/// Reads protobuf's wire encoding from memory, every length checked against what remains.
struct ProtobufWireReader {
    let bytes: UnsafeRawBufferPointer
    var offset: Int
    let end: Int

    init(bytes: UnsafeRawBufferPointer, range: Range<Int>) {
        self.bytes = bytes
        self.offset = range.lowerBound
        self.end = range.upperBound
    }

    @inline(__always) var isAtEnd: Bool { offset >= end }

    @inline(__always)
    mutating func varint() throws(ProtobufTranscodeError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        var index = offset
        while index < end {
            let byte = bytes[index]
            index += 1
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 {
                offset = index
                return result
            }
            shift += 7
            if shift >= 70 { throw malformed("a varint longer than 10 bytes", at: offset) }
        }
        throw malformed("a varint runs past the end of its message", at: offset)
    }

    /// The next field's number and wire type.
    @inline(__always)
    mutating func tag() throws(ProtobufTranscodeError) -> (number: Int32, wireType: WireType) {
        let start = offset
        let tag = try varint()
        let number = tag >> 3
        guard number >= 1 && number <= 0x1FFF_FFFF, let wireType = WireType(rawValue: UInt8(tag & 7)) else {
            throw malformed("invalid field tag \(tag)", at: start)
        }
        return (Int32(number), wireType)
    }

    @inline(__always)
    mutating func fixed32() throws(ProtobufTranscodeError) -> UInt32 {
        guard end - offset >= 4 else { throw malformed("a fixed32 runs past the end of its message", at: offset) }
        let value = bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)
        offset += 4
        return UInt32(littleEndian: value)
    }

    @inline(__always)
    mutating func fixed64() throws(ProtobufTranscodeError) -> UInt64 {
        guard end - offset >= 8 else { throw malformed("a fixed64 runs past the end of its message", at: offset) }
        let value = bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
        offset += 8
        return UInt64(littleEndian: value)
    }

    /// A length-delimited value's bytes, as a range of ``bytes``.
    @inline(__always)
    mutating func lengthDelimited() throws(ProtobufTranscodeError) -> Range<Int> {
        let start = offset
        let length = try varint()
        guard length <= UInt64(end - offset) else {
            throw malformed("a length of \(length) runs past the end of its message", at: start)
        }
        let range = offset..<(offset + Int(length))
        offset = range.upperBound
        return range
    }

    /// One scalar's bits in `wireType` (varint, fixed32 or fixed64).
    @inline(__always)
    mutating func value(_ wireType: WireType) throws(ProtobufTranscodeError) -> UInt64 {
        switch wireType {
        case .fixed32: UInt64(try fixed32())
        case .fixed64: try fixed64()
        default: try varint()
        }
    }

    /// The next length-delimited value of field `number`, skipping everything else; nil at the end. For the
    /// well-known types, whose one repeated field is all that matters.
    mutating func next(lengthDelimited number: Int32, depth: Int) throws(ProtobufTranscodeError) -> Range<Int>? {
        while !isAtEnd {
            let (found, wireType) = try tag()
            if found == number && wireType == .lengthDelimited { return try lengthDelimited() }
            try skip(wireType, number: found, depth: depth)
        }
        return nil
    }

    /// The body of the group numbered `number` whose start tag was just read, up to its end tag (consumed).
    mutating func group(_ number: Int32, depth: Int) throws(ProtobufTranscodeError) -> Range<Int> {
        guard depth > 0 else { throw tooDeep() }
        let start = offset
        while true {
            guard !isAtEnd else { throw malformed("group \(number) has no end tag", at: start) }
            let tagStart = offset
            let (found, wireType) = try tag()
            if wireType == .endGroup {
                guard found == number else { throw malformed("end tag of group \(found) inside group \(number)", at: tagStart) }
                return start..<tagStart
            }
            try skip(wireType, number: found, depth: depth - 1)
        }
    }

    /// Skips the value of a field whose tag was just read.
    mutating func skip(_ wireType: WireType, number: Int32, depth: Int) throws(ProtobufTranscodeError) {
        switch wireType {
        case .varint: _ = try varint()
        case .fixed64: _ = try fixed64()
        case .fixed32: _ = try fixed32()
        case .lengthDelimited: _ = try lengthDelimited()
        case .startGroup: _ = try group(number, depth: depth)
        case .endGroup: throw malformed("unexpected end-group tag for field \(number)", at: offset)
        }
    }

    func malformed(_ message: String, at offset: Int) -> ProtobufTranscodeError {
        ProtobufTranscodeError(.malformedProtobuf, offset: offset, message)
    }

    func tooDeep() -> ProtobufTranscodeError {
        ProtobufTranscodeError(.tooDeep, offset: offset, "messages nest deeper than the limit")
    }
}
