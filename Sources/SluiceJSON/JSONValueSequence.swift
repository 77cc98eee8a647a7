public import NIOCore

/// The values of a body that holds several: the elements of a top-level array, or a sequence of values
/// (NDJSON: one per line, though any whitespace separates them). Each is validated, not decoded; the
/// ranges index the buffer's readable bytes.
public enum JSONValueSequence {
    public static func ranges(in body: ByteBuffer, maxDepth: Int = 64) -> Result<[Range<Int>], JSONError> {
        body.withUnsafeReadableBytes { bytes in
            var scanner = JSONScanner(bytes: bytes, maxDepth: maxDepth)
            var ranges: [Range<Int>] = []
            do throws(JSONError) {
                if scanner.isAtEnd() { return .success([]) }
                if try scanner.peekKind() == .array {
                    var cursor = try scanner.beginArray()
                    while try scanner.nextElement(&cursor) {
                        _ = try scanner.peekKind()
                        let start = scanner.offset
                        try scanner.skipValue()
                        ranges.append(start..<scanner.offset)
                    }
                    try scanner.finish()
                } else {
                    while !scanner.isAtEnd() {
                        _ = try scanner.peekKind()
                        let start = scanner.offset
                        try scanner.skipValue()
                        ranges.append(start..<scanner.offset)
                    }
                }
                return .success(ranges)
            } catch {
                return .failure(error)
            }
        }
    }
}
