import NIOCore

/// Builds a buffer from a hex dump as the reference writes it (spaces and `|` separators ignored).
func hexBuffer(_ hex: String) -> ByteBuffer {
    let digits = hex.filter(\.isHexDigit)
    precondition(digits.count % 2 == 0, "odd number of hex digits in test vector")
    var buffer = ByteBuffer()
    var index = digits.startIndex
    while index < digits.endIndex {
        let next = digits.index(index, offsetBy: 2)
        buffer.writeInteger(UInt8(digits[index..<next], radix: 16) ?? 0)
        index = next
    }
    return buffer
}

func hexString(_ buffer: ByteBuffer) -> String {
    buffer.readableBytesView.map { byte in
        let digits = String(byte, radix: 16)
        return byte < 16 ? "0" + digits : digits
    }.joined()
}
