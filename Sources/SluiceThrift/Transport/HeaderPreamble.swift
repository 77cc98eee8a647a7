import NIOCore

/// The bytes after the length that TTHeader and THeader share: magic, flags, seq id and the header size
/// in 4-byte words. The two formats differ only from the header section on.
struct HeaderPreamble {
    var flags: UInt16
    var sequenceID: Int32
    /// The header section's size in bytes (the word count times 4).
    var headerBytes: Int

    /// Reads the preamble at the start of `frame` (the part after the length), checking the magic.
    static func read(
        from frame: inout ByteBuffer, magic expected: UInt16, format: String
    ) throws(ThriftTransportError) -> HeaderPreamble {
        guard let magic = frame.readInteger(as: UInt16.self), let flags = frame.readInteger(as: UInt16.self),
            let sequenceID = frame.readInteger(as: Int32.self), let words = frame.readInteger(as: UInt16.self)
        else {
            throw ThriftTransportError(.malformedHeader, offset: 4, "\(format) preamble is truncated")
        }
        guard magic == expected else {
            throw ThriftTransportError(
                .malformedHeader, offset: 4,
                "expected \(format) magic 0x\(hex4(expected)), found 0x\(String(magic, radix: 16))")
        }
        return HeaderPreamble(flags: flags, sequenceID: sequenceID, headerBytes: Int(words) * 4)
    }

    private static func hex4(_ value: UInt16) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
