import SluiceJSON

extension JSONToProtobuf {
    /// The wire bits of one numeric, bool or enum value of `field` read from JSON; nil for an unknown enum
    /// name when not `strict` (ignored, as protobuf's `ignore_unknown_fields` does).
    mutating func scalarBits(_ field: ProtobufFieldTable.Field) throws(ProtobufTranscodeError) -> UInt64? {
        switch field.kind {
        case .bool:
            try expect(.bool, "true or false")
            return try readBool() ? 1 : 0
        case .float:
            return UInt64(Float(try readFloatingPoint(isFloat: true)).bitPattern)
        case .double:
            return try readFloatingPoint(isFloat: false).bitPattern
        case .enumeration:
            return try enumNumber(field.target).map { UInt64(bitPattern: Int64($0)) }
        default:
            _ = try peek()
            let offset = scanner.offset
            return try integerBits(try readInteger(field.kind), kind: field.kind, offset: offset)
        }
    }

    /// An integer field's value: a JSON number, or a string holding one.
    private mutating func readInteger(_ kind: ProtobufKind) throws(ProtobufTranscodeError) -> ExactInteger {
        switch try peek() {
        case .number:
            let token = try readNumber()
            return ExactInteger.parse(scanner.rawBytes(of: token))
        case .string:
            return integer(inString: try readString())
        case let found:
            throw wrongType("an integer (\(kind)) as a number or string", found: found)
        }
    }

    /// The integer a JSON string spells, in JSON number syntax (`"-12"`, `"1e3"`); `.fraction` for anything else.
    func integer(inString token: JSONStringToken) -> ExactInteger {
        guard let text = numberText(token) else { return .fraction }
        return ExactInteger.parse(text)
    }

    /// The string's bytes when they are exactly one JSON number.
    private func numberText(_ token: JSONStringToken) -> UnsafeRawBufferPointer? {
        guard !token.hasEscapes else { return nil }
        let text = scanner.rawBytes(of: token)
        return ExactInteger.isJSONNumber(text) ? text : nil
    }

    /// `parsed` as `kind`'s wire bits, range-checked.
    func integerBits(_ parsed: ExactInteger, kind: ProtobufKind, offset: Int) throws(ProtobufTranscodeError) -> UInt64 {
        if case .fraction = parsed {
            throw ProtobufTranscodeError(.invalidValue, offset: offset, "expected an integer (\(kind))")
        }
        guard let bits = parsed.wireBits(as: kind) else {
            throw ProtobufTranscodeError(.outOfRange, offset: offset, "value out of range for \(kind)")
        }
        return bits
    }

    /// A float or double: a number, a numeric string, or "NaN", "Infinity", "-Infinity". Finite input must
    /// stay finite in the field's type.
    mutating func readFloatingPoint(isFloat: Bool) throws(ProtobufTranscodeError) -> Double {
        let kind = try peek()
        let offset = scanner.offset
        let value: Double
        switch kind {
        case .number:
            let token = try readNumber()
            value = scanner.double(token)
        case .string:
            let token = try readString()
            if scanner.string(token, equals: "NaN") { return .nan }
            if scanner.string(token, equals: "Infinity") { return .infinity }
            if scanner.string(token, equals: "-Infinity") { return -.infinity }
            guard let text = numberText(token) else {
                throw ProtobufTranscodeError(.invalidValue, offset: offset, "expected a number, \"NaN\", \"Infinity\" or \"-Infinity\"")
            }
            var inner = JSONScanner(bytes: text)
            guard let number = try? inner.readNumber() else {
                throw ProtobufTranscodeError(.invalidValue, offset: offset, "expected a number")
            }
            value = inner.double(number)
        case let found:
            throw wrongType(isFloat ? "a float" : "a double", found: found)
        }
        // A float takes what rounds to a finite float: `3.4028235e38`, the shortest text of the largest one, is
        // a little above it.
        guard value.isFinite, !isFloat || Float(value).isFinite else {
            throw ProtobufTranscodeError(.outOfRange, offset: offset, "value out of range for \(isFloat ? "float" : "double")")
        }
        return value
    }

    /// An enum value: its name, or its number. Open enums keep numbers they do not declare; closed (proto2)
    /// ones reject them. nil for an unknown name when not `strict`.
    mutating func enumNumber(_ index: Int32) throws(ProtobufTranscodeError) -> Int32? {
        let kind = try peek()
        let offset = scanner.offset
        switch kind {
        case .string:
            let token = try readString()
            let number = scanner.withDecodedBytes(token) { table.enumNumber(named: $0, in: index) }
            if let number { return number }
            if options.strict {
                throw ProtobufTranscodeError(
                    .invalidValue, offset: offset,
                    "\(schema.enums[Int(index)].fullName) has no value '\(scanner.decodedString(token))'")
            }
            return nil
        case .number:
            let token = try readNumber()
            let bits = try integerBits(ExactInteger.parse(scanner.rawBytes(of: token)), kind: .int32, offset: offset)
            let number = Int32(truncatingIfNeeded: bits)
            if table.enums[Int(index)].isClosed && table.enumValue(numbered: number, in: index) == nil {
                throw ProtobufTranscodeError(
                    .invalidValue, offset: offset, "\(schema.enums[Int(index)].fullName) has no value \(number)")
            }
            return number
        case .null where index == table.nullValueEnum:
            try readNull()
            return 0
        case let found:
            throw wrongType("an enum name or number", found: found)
        }
    }
}
