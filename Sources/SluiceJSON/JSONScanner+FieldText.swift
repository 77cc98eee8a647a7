extension JSONScanner {
    /// The value at `path` (object keys from the top) as text, for rules that key on a field's value: a
    /// string decoded, a number or `true`/`false` as written, an object or array as its JSON text. Nil when
    /// the path is absent or `null`, or the input is not JSON up to it; the rest of the input is not read.
    public static func fieldText(at path: some Collection<String>, in bytes: UnsafeRawBufferPointer) -> String? {
        var scanner = JSONScanner(bytes: bytes)
        do throws(JSONError) {
            for key in path {
                guard try scanner.peekKind() == .object else { return nil }
                var cursor = try scanner.beginObject()
                var found = false
                while let token = try scanner.nextKey(&cursor) {
                    if scanner.string(token, equals: key) {
                        found = true
                        break
                    }
                    try scanner.skipValue()
                }
                guard found else { return nil }
            }
            switch try scanner.peekKind() {
            case .null:
                return nil
            case .string:
                return scanner.decodedString(try scanner.readString())
            case .object, .array, .number, .bool:
                let start = scanner.offset
                try scanner.skipValue()
                return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<scanner.offset]), as: UTF8.self)
            }
        } catch {
            return nil
        }
    }
}
