extension IDLResolver {
    /// What an identifier in a constant expression names.
    enum Reference {
        case enumValue(enumIndex: Int, value: Int32)
        case constant(value: ConstValue, type: ThriftType)
    }

    mutating func resolveConstant(_ index: Int) throws(ThriftIDLError) -> (value: ConstValue, type: ThriftType) {
        switch constantStates[index] {
        case .resolved(let resolved):
            return resolved
        case .failed(let error):
            throw error
        case .inProgress:
            let start = constantStack.firstIndex(of: index) ?? 0
            let chain = (constantStack[start...] + [index]).map { constants[$0].definition.name }
            throw ThriftIDLError(
                location: constants[index].definition.location,
                message: "constant cycle \(chain.joined(separator: " -> "))")
        case .pending:
            guard constantStack.count < Self.maximumChain else {
                throw ThriftIDLError(
                    location: constants[index].definition.location,
                    message: "constant chain longer than \(Self.maximumChain) is not supported")
            }
            constantStates[index] = .inProgress
            constantStack.append(index)
            defer { constantStack.removeLast() }
            let (file, definition) = constants[index]
            do throws(ThriftIDLError) {
                let type = try resolveType(definition.type, in: file)
                let value = try convert(definition.value, to: type, in: file, what: "constant '\(definition.name)'")
                constantStates[index] = .resolved((value, type))
                return (value, type)
            } catch {
                constantStates[index] = .failed(error)
                throw error
            }
        }
    }

    /// Evaluates `value` as a `type`: references are replaced by what they name, enum values by their
    /// numbers, and every literal is checked against the type (ranges, element types, struct fields).
    mutating func convert(
        _ value: IDLConstValue, to type: ThriftType, in file: Int, what: String
    ) throws(ThriftIDLError) -> ConstValue {
        let location = value.location
        switch value.kind {
        case .bool(let flag): return try coerce(.bool(flag), to: type, at: location, what: what)
        case .int(let number): return try coerce(.int(number), to: type, at: location, what: what)
        case .double(let number): return try coerce(.double(number), to: type, at: location, what: what)
        case .string(let text): return try coerce(.string(text), to: type, at: location, what: what)
        case .identifier(let name):
            if case .enumeration(let expected) = type,
                let number = try enumValueIgnoringPrefix(name, of: expected, in: file, at: location, what: what)
            {
                return .int(Int64(number))
            }
            switch try reference(name, expecting: type, in: file, at: location) {
            case .enumValue(let enumIndex, let number):
                if case .enumeration(let expected) = type, expected.index != enumIndex {
                    throw ThriftIDLError(
                        location: location,
                        message: "'\(name)' is a value of enum '\(enums[enumIndex].name)' but \(what) "
                            + "must be a '\(enums[expected.index].name)'")
                }
                return try coerce(.int(Int64(number)), to: type, at: location, what: what)
            case .constant(let constant, let constantType):
                if case .enumeration(let expected) = type, case .enumeration(let actual) = constantType,
                    expected != actual
                {
                    throw ThriftIDLError(
                        location: location,
                        message: "'\(name)' is a '\(enums[actual.index].name)' but \(what) "
                            + "must be a '\(enums[expected.index].name)'")
                }
                return try coerce(constant, to: type, at: location, what: what)
            }
        case .list(let items):
            let element: ThriftType
            switch type {
            case .list(let inner), .set(let inner): element = inner
            // Apache Thrift takes `[]` for an empty map, as it takes `{}` for an empty list.
            case .map where items.isEmpty: return .map([])
            default: throw mismatch("a list", type, at: location, what: what)
            }
            var values: [ConstValue] = []
            for item in items {
                values.append(try convert(item, to: element, in: file, what: Self.element(of: what)))
            }
            return .list(values)
        case .map(let pairs):
            switch type {
            case .map(let keyType, let valueType):
                var converted: [ConstPair] = []
                for pair in pairs {
                    converted.append(
                        ConstPair(
                            key: try convert(pair.key, to: keyType, in: file, what: "a key of \(what)"),
                            value: try convert(pair.value, to: valueType, in: file, what: "a value of \(what)")))
                }
                return .map(converted)
            case .structure(let id):
                return try convertStructLiteral(pairs, to: id, in: file, at: location, what: what)
            case .list, .set:
                // `set<binary> s = {}` is in Apache Thrift's own ThriftTest.thrift.
                guard pairs.isEmpty else { throw mismatch("a map", type, at: location, what: what) }
                return .list([])
            default:
                throw mismatch("a map", type, at: location, what: what)
            }
        }
    }

    /// Where an enum is expected, Apache Thrift reads `Prefix.VALUE` as `VALUE` of that enum whatever the
    /// prefix says (its own test IDL writes `MyEnum2 f = MyEnum1.ME2_2`); `nil` when `name` is not such a
    /// name, so the usual lookup reports it. A prefix other than the enum's name or file gets a warning.
    private mutating func enumValueIgnoringPrefix(
        _ name: String, of expected: EnumID, in file: Int, at location: SourceLocation, what: String
    ) throws(ThriftIDLError) -> Int32? {
        guard let dot = name.lastIndex(of: "."),
            try lookup(name, in: file, at: location, constants: true) == nil
        else { return nil }
        let prefix = String(name[..<dot])
        let valueName = String(name[name.index(after: dot)...])
        let enumeration = enums[expected.index]
        guard let number = enumeration.value(named: valueName) else { return nil }
        let namesExpected: Bool
        switch try? lookup(prefix, in: file, at: location) {
        case .enumeration(let named)?:
            namesExpected = named == expected.index
        case .typedef(let index)?:
            namesExpected = (try? resolveTypedef(index)) == .enumeration(expected)
        default:
            // `inc.VALUE`: the included file's prefix alone, which Apache Thrift's own tests use.
            namesExpected = files[file].includes[prefix] != nil && enumeration.name.hasPrefix(prefix + ".")
        }
        if !namesExpected {
            warn(
                "'\(name)' is read as '\(enumeration.name).\(valueName)', as Apache Thrift reads it: \(what) is a "
                    + "'\(enumeration.name)', so the prefix '\(prefix)' is ignored", at: location)
        }
        return number
    }

    /// `NAME`, `Enum.VALUE`, `inc.NAME`, `inc.Enum.VALUE`; a bare `VALUE` also works where an enum is expected.
    mutating func reference(
        _ name: String, expecting type: ThriftType, in file: Int, at location: SourceLocation
    ) throws(ThriftIDLError) -> Reference {
        if case .constant(let index) = constantSymbols[file][name] {
            let resolved = try resolveConstant(index)
            return .constant(value: resolved.value, type: resolved.type)
        }
        if let dot = name.lastIndex(of: "."),
            case .enumeration(let enumIndex) = try lookup(String(name[..<dot]), in: file, at: location)
        {
            let valueName = String(name[name.index(after: dot)...])
            guard let number = enums[enumIndex].value(named: valueName) else {
                throw ThriftIDLError(
                    location: location, message: "enum '\(enums[enumIndex].name)' has no value '\(valueName)'")
            }
            return .enumValue(enumIndex: enumIndex, value: number)
        }
        if case .constant(let index) = try lookup(name, in: file, at: location, constants: true) {
            let resolved = try resolveConstant(index)
            return .constant(value: resolved.value, type: resolved.type)
        }
        if case .enumeration(let id) = type, !name.contains("."), let number = enums[id.index].value(named: name) {
            return .enumValue(enumIndex: id.index, value: number)
        }
        throw ThriftIDLError(location: location, message: "unknown constant or enum value '\(name)'")
    }
}
