import NIOCore

extension JSONWriter {
    /// Writes `"…"` escaping `"`, `\` and control characters (RFC 8259 §7). Unescaped runs are copied whole.
    mutating func writeEscaped(_ bytes: UnsafeRawBufferPointer) {
        buffer.writeInteger(UInt8(ascii: "\""))
        var runStart = 0
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte >= 0x20 && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\") {
                index += 1
                continue
            }
            if runStart < index { buffer.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[runStart..<index])) }
            writeEscape(byte)
            index += 1
            runStart = index
        }
        if runStart < index { buffer.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[runStart..<index])) }
        buffer.writeInteger(UInt8(ascii: "\""))
    }

    /// As ``writeEscaped(_:)``, checking UTF-8 on the way; false at the first invalid sequence.
    mutating func writeEscapedValidating(_ bytes: UnsafeRawBufferPointer) -> Bool {
        buffer.writeInteger(UInt8(ascii: "\""))
        var runStart = 0
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte >= 0x80 {
                guard let length = UTF8Validation.sequenceLength(bytes, at: index) else { return false }
                index += length
                continue
            }
            if byte >= 0x20 && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\") {
                index += 1
                continue
            }
            if runStart < index { buffer.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[runStart..<index])) }
            writeEscape(byte)
            index += 1
            runStart = index
        }
        if runStart < index { buffer.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[runStart..<index])) }
        buffer.writeInteger(UInt8(ascii: "\""))
        return true
    }

    private mutating func writeEscape(_ byte: UInt8) {
        switch byte {
        case UInt8(ascii: "\""): buffer.writeStaticString("\\\"")
        case UInt8(ascii: "\\"): buffer.writeStaticString("\\\\")
        case 0x0A: buffer.writeStaticString("\\n")
        case 0x0D: buffer.writeStaticString("\\r")
        case 0x09: buffer.writeStaticString("\\t")
        case 0x08: buffer.writeStaticString("\\b")
        case 0x0C: buffer.writeStaticString("\\f")
        default:
            let hex: StaticString = "0123456789abcdef"
            buffer.writeStaticString("\\u00")
            buffer.writeInteger(hex.utf8Start[Int(byte >> 4)])
            buffer.writeInteger(hex.utf8Start[Int(byte & 0xF)])
        }
    }
}
