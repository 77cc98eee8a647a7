/// UTF-8 validation per RFC 3629 (the well-formed byte sequences of Unicode §3.9, table 3-7).
public enum UTF8Validation {
    /// Whether `bytes` is entirely well-formed UTF-8.
    public static func isValid(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var index = 0
        while index < bytes.count {
            if bytes[index] < 0x80 {
                index += 1
                continue
            }
            guard let length = sequenceLength(bytes, at: index) else { return false }
            index += length
        }
        return true
    }

    /// The length of the well-formed sequence whose lead byte (≥ 0x80) is at `index`, or nil.
    @inlinable
    public static func sequenceLength(_ bytes: UnsafeRawBufferPointer, at index: Int) -> Int? {
        let lead = bytes[index]
        let remaining = bytes.count - index
        @inline(__always) func isContinuation(_ byte: UInt8) -> Bool { byte & 0xC0 == 0x80 }
        switch lead {
        case 0xC2...0xDF:
            guard remaining >= 2, isContinuation(bytes[index + 1]) else { return nil }
            return 2
        case 0xE0...0xEF:
            guard remaining >= 3 else { return nil }
            let second = bytes[index + 1]
            switch lead {
            case 0xE0: guard second >= 0xA0 && second <= 0xBF else { return nil }  // no overlongs
            case 0xED: guard second >= 0x80 && second <= 0x9F else { return nil }  // no surrogates
            default: guard isContinuation(second) else { return nil }
            }
            guard isContinuation(bytes[index + 2]) else { return nil }
            return 3
        case 0xF0...0xF4:
            guard remaining >= 4 else { return nil }
            let second = bytes[index + 1]
            switch lead {
            case 0xF0: guard second >= 0x90 && second <= 0xBF else { return nil }
            case 0xF4: guard second >= 0x80 && second <= 0x8F else { return nil }  // ≤ U+10FFFF
            default: guard isContinuation(second) else { return nil }
            }
            guard isContinuation(bytes[index + 2]), isContinuation(bytes[index + 3]) else { return nil }
            return 4
        default:
            return nil
        }
    }
}
