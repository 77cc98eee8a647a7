internal import NIOCore

/// JSON string escaping (RFC 8259 §7) for the few strings the gateway writes itself; values from the
/// backend are written by the transcoder.
enum ErrorJSON {
    static func writeString(_ string: String, into buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): buffer.writeStaticString(#"\""#)
            case UInt8(ascii: "\\"): buffer.writeStaticString(#"\\"#)
            case UInt8(ascii: "\n"): buffer.writeStaticString(#"\n"#)
            case UInt8(ascii: "\r"): buffer.writeStaticString(#"\r"#)
            case UInt8(ascii: "\t"): buffer.writeStaticString(#"\t"#)
            case 0..<0x20:
                buffer.writeStaticString(#"\u00"#)
                buffer.writeInteger(hexDigit(byte >> 4))
                buffer.writeInteger(hexDigit(byte & 0xF))
            default: buffer.writeInteger(byte)
            }
        }
        buffer.writeInteger(UInt8(ascii: "\""))
    }

    private static func hexDigit(_ value: UInt8) -> UInt8 {
        value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "a") + value - 10
    }
}
