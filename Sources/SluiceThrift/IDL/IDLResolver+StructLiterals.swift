extension IDLResolver {
    /// `{"name": "x", count: 2}`: keys are field names (quoted, or bare when they name a field).
    mutating func convertStructLiteral(
        _ pairs: [(key: IDLConstValue, value: IDLConstValue)], to id: StructID, in file: Int,
        at location: SourceLocation, what: String
    ) throws(ThriftIDLError) -> ConstValue {
        let descriptor = structs[id.index]
        var converted: [ConstPair] = []
        var seen: Set<String> = []
        for pair in pairs {
            let name: String
            switch pair.key.kind {
            case .string(let text):
                name = text
            case .identifier(let text):
                // A bare name is the field it names; failing that, a string constant holding a field name.
                if descriptor.fieldIndex(named: text) == nil,
                    case .constant(.string(let constantText), _)? = try? reference(
                        text, expecting: .string, in: file, at: pair.key.location)
                {
                    name = constantText
                } else {
                    name = text
                }
            default:
                throw ThriftIDLError(
                    location: pair.key.location,
                    message: "expected a field name as the key of a '\(descriptor.name)' literal")
            }
            guard let index = descriptor.fieldIndex(named: name) else {
                throw ThriftIDLError(
                    location: pair.key.location,
                    message: "\(descriptor.kind.keyword) '\(descriptor.name)' has no field '\(name)'")
            }
            guard seen.insert(name).inserted else {
                throw ThriftIDLError(location: pair.key.location, message: "field '\(name)' is set twice in \(what)")
            }
            let field = descriptor.fields[index]
            converted.append(
                ConstPair(
                    key: .string(name),
                    value: try convert(pair.value, to: field.type, in: file, what: "field '\(name)' of \(what)")))
        }
        if descriptor.kind == .union && converted.count > 1 {
            throw ThriftIDLError(
                location: location, message: "\(what) sets \(converted.count) fields of union '\(descriptor.name)'; "
                    + "a union holds at most one")
        }
        return .map(converted + declaredDefaults(of: id, except: seen))
    }

    /// The declared defaults of the fields a struct literal leaves out, as the generated constructor would set
    /// them: not for unions (one field at most) nor `optional` fields (absence is what they allow). A struct
    /// whose defaults are being evaluated (a default that contains its own struct) adds none.
    private mutating func declaredDefaults(of id: StructID, except listed: Set<String>) -> [ConstPair] {
        guard id.index < structSources.count, structs[id.index].kind != .union else { return [] }
        resolveDefaults(ofStruct: id.index)
        guard case .resolved = defaultStates[id.index] else { return [] }
        return structs[id.index].fields.compactMap { field in
            guard let value = field.defaultValue, field.requiredness != .optional, !listed.contains(field.name) else {
                return nil
            }
            return ConstPair(key: .string(field.name), value: value)
        }
    }
}
