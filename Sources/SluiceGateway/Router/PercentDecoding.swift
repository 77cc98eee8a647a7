/// RFC 3986 §2.1 percent-decoding of path segments and query components.
enum PercentDecoding {
    /// Decodes `bytes`; `plusAsSpace` is for `application/x-www-form-urlencoded` query strings.
    /// `keepingEncodedSlash` leaves `%2F`/`%2f` as written: google.api.http's rule for a variable that spans
    /// several segments (`{x=**}`, `{x=a/*}`), where a decoded slash could not be told from a segment separator.
    /// `nil` when a `%` is not followed by two hex digits or the result is not UTF-8.
    static func decode(_ bytes: some Collection<UInt8>, plusAsSpace: Bool, keepingEncodedSlash: Bool = false) -> String? {
        // The common case has nothing to decode: one copy straight into the String.
        if !bytes.contains(where: { $0 == UInt8(ascii: "%") || (plusAsSpace && $0 == UInt8(ascii: "+")) }) {
            return String(validating: bytes, as: UTF8.self)
        }
        var decoded: [UInt8] = []
        decoded.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index != bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%") {
                let high = bytes.index(after: index)
                guard high != bytes.endIndex else { return nil }
                let low = bytes.index(after: high)
                guard low != bytes.endIndex, let h = hexValue(bytes[high]), let l = hexValue(bytes[low]) else {
                    return nil
                }
                if keepingEncodedSlash && h << 4 | l == UInt8(ascii: "/") {
                    decoded.append(byte)
                    decoded.append(bytes[high])
                    decoded.append(bytes[low])
                } else {
                    decoded.append(h << 4 | l)
                }
                index = bytes.index(after: low)
            } else {
                decoded.append(plusAsSpace && byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte)
                index = bytes.index(after: index)
            }
        }
        return String(validating: decoded, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
