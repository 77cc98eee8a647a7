/// The canonical `8-4-4-4-12` text form of a UUID's 16 bytes.
enum UUIDText {
    static let length = 36

    /// Parses hex digits (either case) with dashes at 8, 13, 18 and 23 into `output` (16 bytes).
    static func parse(_ text: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) -> Bool {
        guard text.count == length else { return false }
        var read = 0
        var write = 0
        while read < length {
            if read == 8 || read == 13 || read == 18 || read == 23 {
                guard text[read] == UInt8(ascii: "-") else { return false }
                read += 1
                continue
            }
            guard let high = hexDigit(text[read]), let low = hexDigit(text[read + 1]) else { return false }
            output[write] = high << 4 | low
            write += 1
            read += 2
        }
        return true
    }

    /// Writes the 36 lowercase characters of `bytes` (16 bytes) into `output`.
    static func format(_ bytes: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) {
        let digits: StaticString = "0123456789abcdef"
        var write = 0
        for index in 0..<16 {
            if index == 4 || index == 6 || index == 8 || index == 10 {
                output[write] = UInt8(ascii: "-")
                write += 1
            }
            output[write] = digits.utf8Start[Int(bytes[index] >> 4)]
            output[write + 1] = digits.utf8Start[Int(bytes[index] & 0xF)]
            write += 2
        }
    }

    private static func hexDigit(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
