/// Word-at-a-time search for the bytes that end a plain run inside a JSON string.
///
/// Strings are mostly printable ASCII, so both the scanner and the writer skip eight bytes per step until
/// a word holds `"`, `\`, a control character (< 0x20) or a non-ASCII byte (≥ 0x80), then look at that
/// byte on its own. The tests per byte are the classic "has zero byte" / "has byte less than" bit tricks;
/// borrows only travel upwards, so the lowest flagged byte is always a true hit.
public enum JSONByteScan {
    @usableFromInline static let ones: UInt64 = 0x0101_0101_0101_0101
    @usableFromInline static let highs: UInt64 = 0x8080_8080_8080_8080

    /// The index of the first byte in `index..<end` that is `"`, `\`, < 0x20 or ≥ 0x80, or `end`.
    @inlinable @inline(__always)
    public static func firstSpecial(_ base: UnsafeRawPointer, from index: Int, to end: Int) -> Int {
        var index = index
        while index + 8 <= end {
            let word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: index, as: UInt64.self))
            let quote = word ^ (ones &* 0x22)
            let backslash = word ^ (ones &* 0x5C)
            let flags =
                ((quote &- ones) & ~quote)
                | ((backslash &- ones) & ~backslash)
                | ((word &- ones &* 0x20) & ~word)
                | word
            let hits = flags & highs
            if hits != 0 {
                return index + hits.trailingZeroBitCount >> 3
            }
            index += 8
        }
        while index < end {
            let byte = base.load(fromByteOffset: index, as: UInt8.self)
            if byte < 0x20 || byte >= 0x80 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                return index
            }
            index += 1
        }
        return end
    }
}
