import NIOCore
import SluiceThrift

/// Bytes from a hex string; spaces and `|` are ignored so vectors can be pasted as documented.
func hexBytes(_ text: String) -> [UInt8] {
    let digits = text.filter { $0.isHexDigit }
    var bytes: [UInt8] = []
    var index = digits.startIndex
    while index < digits.endIndex {
        let next = digits.index(index, offsetBy: 2)
        bytes.append(UInt8(digits[index..<next], radix: 16)!)
        index = next
    }
    return bytes
}

func hex(_ buffer: ByteBuffer) -> String {
    hex(Array(buffer.readableBytesView))
}

func hex(_ bytes: [UInt8]) -> String {
    bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
}

/// Runs `body` with a reader of `protocol` over `bytes`.
func withReader<T>(
    _ bytes: [UInt8], _ kind: ThriftProtocolKind,
    _ body: (inout any ThriftProtocolReader) throws -> T
) throws -> T {
    try bytes.withUnsafeBytes { raw throws in
        var reader: any ThriftProtocolReader =
            kind == .binary
            ? ThriftBinaryReader(bytes: raw, maxSize: 1 << 20) : ThriftCompactReader(bytes: raw, maxSize: 1 << 20)
        return try body(&reader)
    }
}
