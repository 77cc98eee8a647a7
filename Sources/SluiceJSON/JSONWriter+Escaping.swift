import NIOCore

extension JSONWriter {
    /// Writes `[,]"…"[:]` escaping `"`, `\` and control characters (RFC 8259 §7), checking UTF-8 first when
    /// `validate`; false at the first invalid sequence. Text needing no escapes — nearly all of it — is
    /// found a word at a time and copied in one append with its punctuation.
    /// `key`, when not empty, is a member key already in JSON form written first (see ``rawKey(_:)``).
    @inlinable
    mutating func writeQuoted(
        _ bytes: UnsafeRawBufferPointer, validate: Bool, colon: Bool,
        key: UnsafeRawBufferPointer = UnsafeRawBufferPointer(start: nil, count: 0)
    ) -> Bool {
        let count = bytes.count
        if let base = bytes.baseAddress {
            var index = 0
            while true {
                index = JSONByteScan.firstSpecial(base, from: index, to: count)
                if index == count { break }
                if base.load(fromByteOffset: index, as: UInt8.self) < 0x80 {
                    if key.count > 0 { rawKey(key) }
                    return writeQuotedEscaping(bytes, validate: validate, colon: colon)
                }
                if validate {
                    guard let length = UTF8Validation.sequenceLength(bytes, at: index) else { return false }
                    index += length
                } else {
                    index += 1
                }
            }
        }
        let comma = needsSeparator
        buffer.appendRaw(capacity: key.count + count + 4) { output in
            var written = 0
            if comma { output.put(UInt8(ascii: ","), &written) }
            if let source = key.baseAddress {
                (output + written).copySmall(from: source, count: key.count)
                written += key.count
            }
            output.put(UInt8(ascii: "\""), &written)
            if let source = bytes.baseAddress {
                (output + written).copySmall(from: source, count: count)
                written += count
            }
            output.put(UInt8(ascii: "\""), &written)
            if colon { output.put(UInt8(ascii: ":"), &written) }
            return written
        }
        return true
    }

    /// The rare path: text with something to escape, copied run by run.
    @usableFromInline
    mutating func writeQuotedEscaping(_ bytes: UnsafeRawBufferPointer, validate: Bool, colon: Bool) -> Bool {
        if needsSeparator { buffer.appendByte(UInt8(ascii: ",")) }
        buffer.appendByte(UInt8(ascii: "\""))
        var runStart = 0
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte >= 0x80 {
                if validate {
                    guard let length = UTF8Validation.sequenceLength(bytes, at: index) else { return false }
                    index += length
                } else {
                    index += 1
                }
                continue
            }
            if byte >= 0x20 && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\") {
                index += 1
                continue
            }
            if runStart < index { buffer.appendBytes(UnsafeRawBufferPointer(rebasing: bytes[runStart..<index])) }
            writeEscape(byte)
            index += 1
            runStart = index
        }
        if runStart < index { buffer.appendBytes(UnsafeRawBufferPointer(rebasing: bytes[runStart..<index])) }
        buffer.appendByte(UInt8(ascii: "\""))
        if colon { buffer.appendByte(UInt8(ascii: ":")) }
        return true
    }

    private mutating func writeEscape(_ byte: UInt8) {
        let simple: UInt8
        switch byte {
        case UInt8(ascii: "\""): simple = UInt8(ascii: "\"")
        case UInt8(ascii: "\\"): simple = UInt8(ascii: "\\")
        case 0x0A: simple = UInt8(ascii: "n")
        case 0x0D: simple = UInt8(ascii: "r")
        case 0x09: simple = UInt8(ascii: "t")
        case 0x08: simple = UInt8(ascii: "b")
        case 0x0C: simple = UInt8(ascii: "f")
        default: simple = 0
        }
        buffer.appendRaw(capacity: 6) { output in
            var count = 0
            output.put(UInt8(ascii: "\\"), &count)
            if simple != 0 {
                output.put(simple, &count)
                return count
            }
            let hex: StaticString = "0123456789abcdef"
            output.put(UInt8(ascii: "u"), &count)
            output.put(UInt8(ascii: "0"), &count)
            output.put(UInt8(ascii: "0"), &count)
            output.put(hex.utf8Start[Int(byte >> 4)], &count)
            output.put(hex.utf8Start[Int(byte & 0xF)], &count)
            return count
        }
    }
}
