extension IDLResolver {
    mutating func resolveType(_ reference: IDLTypeReference, in file: Int) throws(ThriftIDLError) -> ThriftType {
        switch reference {
        case .base(let type):
            return type
        case .list(let element):
            return .list(try resolveType(element, in: file))
        case .set(let element):
            return .set(try resolveType(element, in: file))
        case .map(let key, let value):
            return .map(key: try resolveType(key, in: file), value: try resolveType(value, in: file))
        case .annotated(let type, _):
            return try resolveType(type, in: file)
        case .named(let name, let location):
            guard let symbol = try lookup(name, in: file, at: location) else {
                throw unknownType(name, at: location, in: file)
            }
            switch symbol {
            case .structure(let index): return .structure(StructID(index))
            case .enumeration(let index): return .enumeration(EnumID(index))
            case .typedef(let index): return try resolveTypedef(index)
            case .constant:
                throw ThriftIDLError(location: location, message: "expected a type but '\(name)' is a constant")
            case .service:
                throw ThriftIDLError(location: location, message: "expected a type but '\(name)' is a service")
            }
        }
    }

    private func unknownType(_ name: String, at location: SourceLocation, in file: Int) -> ThriftIDLError {
        if (try? lookup(name, in: file, at: location, constants: true)) != nil {
            return ThriftIDLError(location: location, message: "expected a type but '\(name)' is a constant")
        }
        if let dot = name.firstIndex(of: "."),
            Self.splits(of: name).allSatisfy({ files[file].includes[$0.prefix] == nil })
        {
            let prefix = name[..<dot]
            return ThriftIDLError(
                location: location, message: "unknown type '\(name)': this file includes no file named '\(prefix)'")
        }
        return ThriftIDLError(location: location, message: "unknown type '\(name)'")
    }

    /// Follows a typedef chain to its end (`typedef A B; typedef B C` makes `C` an `A`).
    mutating func resolveTypedef(_ index: Int) throws(ThriftIDLError) -> ThriftType {
        switch typedefStates[index] {
        case .resolved(let type):
            return type
        case .failed(let error):
            throw error
        case .inProgress:
            let start = typedefStack.firstIndex(of: index) ?? 0
            let chain = (typedefStack[start...] + [index]).map { typedefs[$0].definition.name }
            throw ThriftIDLError(
                location: typedefs[index].definition.location,
                message: "typedef cycle \(chain.joined(separator: " -> "))")
        case .pending:
            guard typedefStack.count < Self.maximumChain else {
                throw ThriftIDLError(
                    location: typedefs[index].definition.location,
                    message: "typedef chain longer than \(Self.maximumChain) is not supported")
            }
            typedefStates[index] = .inProgress
            typedefStack.append(index)
            defer { typedefStack.removeLast() }
            let (file, definition) = typedefs[index]
            do throws(ThriftIDLError) {
                let type = try resolveType(definition.type, in: file)
                typedefStates[index] = .resolved(type)
                return type
            } catch {
                typedefStates[index] = .failed(error)
                throw error
            }
        }
    }

    /// Field types, with duplicate ids and names rejected. Defaults come later (they may name constants
    /// whose struct literals need these fields). A field that fails is recorded and left out.
    mutating func resolveFields(
        _ declared: [IDLField], in file: Int, owner: String, isUnion: Bool
    ) -> [FieldDescriptor] {
        var fields: [FieldDescriptor] = []
        var byID: [Int16: IDLField] = [:]
        var byName: [String: IDLField] = [:]
        for field in declared {
            if let previous = byID[field.id] {
                record(
                    ThriftIDLError(
                        location: field.location,
                        message: "duplicate field id \(field.id) in \(owner): '\(field.name)' and '\(previous.name)' "
                            + "(line \(previous.location.line))"))
                continue
            }
            if let previous = byName[field.name] {
                record(
                    ThriftIDLError(
                        location: field.location,
                        message: "duplicate field name '\(field.name)' in \(owner) "
                            + "(first declared at line \(previous.location.line))"))
                continue
            }
            byID[field.id] = field
            byName[field.name] = field
            let type: ThriftType
            do throws(ThriftIDLError) {
                type = try resolveType(field.type, in: file)
            } catch {
                record(error)
                continue
            }
            // A union sets exactly one field, so none of them can be individually required.
            let requiredness: Requiredness = isUnion ? .optional : field.requiredness
            var descriptor = FieldDescriptor(
                id: field.id, name: field.name, type: type, requiredness: requiredness,
                annotations: field.annotations, location: field.location)
            descriptor.typeAnnotations = typeAnnotations(field.type, in: file)
            fields.append(descriptor)
        }
        return fields
    }

    /// Evaluates the defaults of declared struct `index` once, when first needed.
    mutating func resolveDefaults(ofStruct index: Int) {
        guard case .pending = defaultStates[index] else { return }
        defaultStates[index] = .inProgress
        let (file, definition) = structSources[index]
        structs[index].fields = resolveDefaults(of: structs[index].fields, declared: definition.fields, in: file)
        defaultStates[index] = .resolved(())
    }

    /// Evaluates each declared default against its field's resolved type.
    mutating func resolveDefaults(
        of fields: [FieldDescriptor], declared: [IDLField], in file: Int
    ) -> [FieldDescriptor] {
        var fields = fields
        for field in declared {
            guard let value = field.defaultValue,
                let index = fields.firstIndex(where: { $0.id == field.id && $0.name == field.name })
            else { continue }
            do throws(ThriftIDLError) {
                fields[index].defaultValue = try convert(
                    value, to: fields[index].type, in: file, what: "default value of '\(field.name)'")
            } catch {
                record(error)
            }
        }
        return fields
    }

    /// How messages write a type: `i32`, `list<shared.Item>`, `map<string,Color>`.
    func typeName(_ type: ThriftType) -> String {
        switch type {
        case .bool: "bool"
        case .i8: "i8"
        case .i16: "i16"
        case .i32: "i32"
        case .i64: "i64"
        case .double: "double"
        case .string: "string"
        case .binary: "binary"
        case .uuid: "uuid"
        case .list(let element): "list<\(typeName(element))>"
        case .set(let element): "set<\(typeName(element))>"
        case .map(let key, let value): "map<\(typeName(key)),\(typeName(value))>"
        case .structure(let id): structs.indices.contains(id.index) ? structs[id.index].name : "struct"
        case .enumeration(let id): enums.indices.contains(id.index) ? enums[id.index].name : "enum"
        }
    }
}
