extension IDLResolver {
    /// Checks an evaluated value against `type`, converting where Thrift does (`true` is 1, ints widen to
    /// doubles, integers are booleans).
    mutating func coerce(
        _ value: ConstValue, to type: ThriftType, at location: SourceLocation, what: String
    ) throws(ThriftIDLError) -> ConstValue {
        switch (type, value) {
        case (.bool, .bool):
            return value
        case (.bool, .int(let number)):
            // Apache Thrift takes any integer, as C does; only 0 and 1 say what they mean.
            if number != 0 && number != 1 {
                warn("\(what): \(number) is read as true, as Apache Thrift reads it; write true", at: location)
            }
            return .bool(number != 0)
        case (.i8, .int(let number)), (.i16, .int(let number)), (.i32, .int(let number)),
            (.i64, .int(let number)), (.enumeration, .int(let number)):
            let range: ClosedRange<Int64> =
                switch type {
                case .i8: Int64(Int8.min)...Int64(Int8.max)
                case .i16: Int64(Int16.min)...Int64(Int16.max)
                case .i32, .enumeration: Int64(Int32.min)...Int64(Int32.max)
                default: Int64.min...Int64.max
                }
            guard range.contains(number) else {
                throw ThriftIDLError(
                    location: location, message: "\(what): \(number) is out of range for \(typeName(type))")
            }
            // Apache Thrift also rejects a number that names no value of the enum.
            if case .enumeration(let id) = type, enums[id.index].name(of: Int32(truncatingIfNeeded: number)) == nil {
                throw ThriftIDLError(
                    location: location, message: "\(what): \(number) is not a value of enum '\(enums[id.index].name)'")
            }
            return value
        case (.i8, .bool(let flag)), (.i16, .bool(let flag)), (.i32, .bool(let flag)), (.i64, .bool(let flag)):
            return .int(flag ? 1 : 0)
        case (.double, .double):
            return value
        case (.double, .int(let number)):
            return .double(Double(number))
        case (.string, .string), (.binary, .string):
            return value
        case (.uuid, .string(let text)):
            // Apache Thrift also takes the Windows GUID form, `{...}`; the braces are not part of the value.
            let braced = text.utf8.count == 38 && text.hasPrefix("{") && text.hasSuffix("}")
            let canonical = braced ? String(text.dropFirst().dropLast()) : text
            guard Self.isCanonicalUUID(canonical) else {
                throw ThriftIDLError(
                    location: location,
                    message: "\(what): expected a uuid like \"00112233-4455-6677-8899-aabbccddeeff\" but found \"\(text)\"")
            }
            return .string(canonical)
        // An empty literal of the other kind, as Apache Thrift takes it (see `convert`).
        case (.map, .list(let items)) where items.isEmpty:
            return .map([])
        case (.list, .map(let pairs)) where pairs.isEmpty, (.set, .map(let pairs)) where pairs.isEmpty:
            return .list([])
        case (.list(let element), .list(let items)), (.set(let element), .list(let items)):
            var values: [ConstValue] = []
            for item in items { values.append(try coerce(item, to: element, at: location, what: what)) }
            return .list(values)
        case (.map(let keyType, let valueType), .map(let pairs)):
            var converted: [ConstPair] = []
            for pair in pairs {
                converted.append(
                    ConstPair(
                        key: try coerce(pair.key, to: keyType, at: location, what: what),
                        value: try coerce(pair.value, to: valueType, at: location, what: what)))
            }
            return .map(converted)
        case (.structure(let id), .map(let pairs)):
            let descriptor = structs[id.index]
            var converted: [ConstPair] = []
            for pair in pairs {
                guard case .string(let name) = pair.key, let index = descriptor.fieldIndex(named: name) else {
                    throw mismatch(Self.describe(value), type, at: location, what: what)
                }
                converted.append(
                    ConstPair(
                        key: pair.key,
                        value: try coerce(pair.value, to: descriptor.fields[index].type, at: location, what: what)))
            }
            return .map(converted)
        default:
            throw mismatch(Self.describe(value), type, at: location, what: what)
        }
    }

    /// "an element of constant 'X'", without repeating the prefix for nested lists.
    static func element(of what: String) -> String {
        what.hasPrefix("an element of ") ? what : "an element of \(what)"
    }

    func mismatch(
        _ found: String, _ type: ThriftType, at location: SourceLocation, what: String
    ) -> ThriftIDLError {
        ThriftIDLError(location: location, message: "\(what) must be a \(typeName(type)) but is \(found)")
    }

    static func describe(_ value: ConstValue) -> String {
        switch value {
        case .bool(let flag): "the bool \(flag)"
        case .int(let number): "the integer \(number)"
        case .double(let number): "the double \(number)"
        case .string(let text): "the string \"\(text.unicodeScalars.count > 40 ? String(text.unicodeScalars.prefix(40)) + "..." : text)\""
        case .list: "a list"
        case .map: "a map"
        }
    }

    static func isCanonicalUUID(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 36 else { return false }
        for (index, byte) in bytes.enumerated() {
            if index == 8 || index == 13 || index == 18 || index == 23 {
                guard byte == UInt8(ascii: "-") else { return false }
            } else if !byte.isHexDigit {
                return false
            }
        }
        return true
    }
}
