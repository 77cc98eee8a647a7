import SluiceJSON

extension ProtobufBindingPlan {
    /// Turns field names into the request's fields, with the errors a route's binding can have.
    struct Resolver {
        let schema: ProtobufSchema
        let table: ProtobufFieldTable
        let request: Int32

        /// The fields `names` spell from the request, every step but the last a singular message field; nil
        /// when a name is unknown and `skipUnknown` (a query parameter that is not a field: grpc-gateway
        /// ignores those at any depth).
        func resolve(_ names: [String], source: String, skipUnknown: Bool) throws(ProtobufTranscodeError) -> Resolved? {
            var resolved = Resolved()
            var message = request
            for (step, name) in names.enumerated() {
                if step > 0 {
                    let outer = resolved.fields[step - 1]
                    guard outer.kind == .message || outer.kind == .group, !outer.isRepeated else {
                        throw ProtobufTranscodeError(
                            .wrongType, path: resolved.path,
                            "\(source) names '\(name)' inside \(Self.describe(outer)), not a singular message field")
                    }
                    message = outer.target
                }
                let row = table.messages[Int(message)]
                var spelled = name
                let found = spelled.withUTF8 { table.index(ofName: UnsafeRawBufferPointer($0), in: row, hint: 0) }
                guard let index = found else {
                    if skipUnknown { return nil }
                    throw ProtobufTranscodeError(
                        .unknownField, path: resolved.path + "." + name,
                        "\(source) names '\(name)', which \(schema.messages[Int(message)].fullName) does not declare")
                }
                resolved.indices.append(index)
                resolved.fields.append(table.field(index, of: row))
                resolved.names.append(schema.messages[Int(message)].fields[index].jsonName)
            }
            return resolved
        }

        /// The fields `names` spell from the request; an unknown name is an error.
        func resolve(_ names: [String], source: String) throws(ProtobufTranscodeError) -> Resolved {
            try resolve(names, source: source, skipUnknown: false) ?? Resolved()  // nil only when skipping
        }

        /// A bound value's field: as ``resolve(_:source:skipUnknown:)``, and the last field must take text (not
        /// a map, not a message other than the well-known types with a text form).
        func resolveBound(_ value: BoundValue, skipUnknown: Bool) throws(ProtobufTranscodeError) -> Resolved? {
            guard let resolved = try resolve(value.path, source: value.source, skipUnknown: skipUnknown) else {
                return nil
            }
            guard let field = resolved.fields.last else {
                throw ProtobufTranscodeError(.invalidValue, "\(value.source) names no field")
            }
            if field.isMap {
                throw ProtobufTranscodeError(
                    .wrongType, path: resolved.path, "\(value.source): a map field cannot be bound from text")
            }
            if field.kind == .message || field.kind == .group {
                let wellKnown = ProtobufWellKnownType(rawValue: table.messages[Int(field.target)].wellKnown)
                guard let wellKnown, wellKnown.takesText else {
                    throw ProtobufTranscodeError(
                        .wrongType, path: resolved.path,
                        "\(value.source): a message (\(schema.messages[Int(field.target)].fullName)) cannot be bound from text"
                    )
                }
            }
            return resolved
        }

        static func describe(_ field: ProtobufFieldTable.Field) -> String {
            if field.isMap { return "a map field" }
            if field.isRepeated { return "a repeated field" }
            return "a field of type \(field.kind)"
        }
    }
}

extension ProtobufWellKnownType {
    /// The well-known types a path or query parameter can set, as grpc-gateway parses them: `Timestamp`
    /// (RFC 3339), `Duration` (`"1.5s"`), `FieldMask` (`"a.b,c"`) and the wrappers (their scalar).
    var takesText: Bool {
        switch self {
        case .timestamp, .duration, .fieldMask: true
        case .any, .structure, .value, .listValue: false
        default: isWrapper
        }
    }
}
