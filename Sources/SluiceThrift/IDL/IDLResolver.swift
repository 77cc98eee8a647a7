/// Turns the parsed files of one load into a ``ThriftSchema``: binds names across files, follows typedef
/// chains, evaluates constants and defaults against their types, and builds the synthetic `_args` /
/// `_result` structs of every method (inherited ones included).
///
/// Every definition is resolved on its own and a failure is recorded rather than thrown, so one run reports
/// every semantic error; names may be used before they are declared.
struct IDLResolver {
    enum Symbol {
        case structure(Int)
        case enumeration(Int)
        case typedef(Int)
        case constant(Int)
        case service(Int)
    }

    /// Memo for anything resolved on demand; `inProgress` catches cycles.
    enum Resolution<Value> {
        case pending
        case inProgress
        case resolved(Value)
        case failed(ThriftIDLError)
    }

    let files: [IDLLoadedFile]
    /// Per file: its types and services by name.
    var symbols: [[String: Symbol]] = []
    /// Per file: its constants. Apache Thrift keeps them apart from types, so `const i32 A` and `struct A`
    /// may coexist.
    var constantSymbols: [[String: Symbol]] = []
    var structs: [StructDescriptor] = []
    /// Declared structs, by index in `structs` (synthetic method structs come after them).
    var structSources: [(file: Int, definition: IDLStruct)] = []
    /// Per declared struct: whether its field defaults are evaluated. A struct literal needs them to fill
    /// the fields it leaves out, so they are evaluated on demand; `inProgress` marks a recursive default.
    var defaultStates: [Resolution<Void>] = []
    var enums: [EnumDescriptor] = []
    var typedefs: [(file: Int, definition: IDLTypedef)] = []
    var typedefStates: [Resolution<ThriftType>] = []
    var typedefStack: [Int] = []
    var constants: [(file: Int, definition: IDLConst)] = []
    var constantStates: [Resolution<(value: ConstValue, type: ThriftType)>] = []
    var constantStack: [Int] = []
    var services: [(file: Int, definition: IDLService)] = []
    var serviceStates: [Resolution<[MethodDescriptor]>] = []
    var serviceExtends: [String?] = []
    var serviceStack: [Int] = []
    private(set) var errors: [ThriftIDLError] = []
    /// Qualified names (`const `-prefixed for constants) that two included files with one stem both declare.
    var sharedNames: Set<String> = []
    /// What Apache Thrift accepts but is probably a mistake (an enum value written with another enum's name).
    private(set) var warnings: [ThriftIDLWarning] = []
    /// Longest chain of typedefs, constants or `extends` followed; resolution recurses along a chain, so
    /// a hostile file cannot exhaust the stack.
    static let maximumChain = 200

    init(files: [IDLLoadedFile]) {
        self.files = files
    }

    mutating func record(_ error: ThriftIDLError) {
        if !errors.contains(error) { errors.append(error) }
    }

    mutating func warn(_ message: String, at location: SourceLocation) {
        let warning = ThriftIDLWarning(location: location, message: message)
        if !warnings.contains(warning) { warnings.append(warning) }
    }

    /// Resolves everything; `errors` is empty when the schema is valid.
    mutating func resolve() -> ThriftSchema {
        declare()
        for index in typedefs.indices {
            do throws(ThriftIDLError) { _ = try resolveTypedef(index) } catch { record(error) }
        }
        for index in structSources.indices {
            let (file, definition) = structSources[index]
            structs[index].fields = resolveFields(
                definition.fields, in: file, owner: "\(definition.kind.keyword) '\(definition.name)'",
                isUnion: definition.kind == .union)
        }
        for index in constants.indices {
            do throws(ThriftIDLError) { _ = try resolveConstant(index) } catch { record(error) }
        }
        for index in structSources.indices {
            resolveDefaults(ofStruct: index)
        }
        for index in services.indices {
            _ = resolveService(index)
        }
        return assemble()
    }

    /// Errors in source order: file by file (included files first), then by position.
    var sortedErrors: [ThriftIDLError] { inSourceOrder(errors, at: \.location) }

    /// Warnings in the same order as ``sortedErrors``.
    var sortedWarnings: [ThriftIDLWarning] { inSourceOrder(warnings, at: \.location) }

    private func inSourceOrder<Item>(_ items: [Item], at location: KeyPath<Item, SourceLocation>) -> [Item] {
        var rank: [String: Int] = [:]
        for (index, file) in files.enumerated() { rank[file.path] = index }
        return items.enumerated().sorted { lhs, rhs in
            let l = lhs.element[keyPath: location]
            let r = rhs.element[keyPath: location]
            let left = (rank[l.file] ?? -1, l.line, l.column)
            let right = (rank[r.file] ?? -1, r.line, r.column)
            return left == right ? lhs.offset < rhs.offset : left < right
        }.map(\.element)
    }

    /// Registers every top-level name of every file, so forward references resolve.
    private mutating func declare() {
        // Which file first declared each qualified name; constants are keyed apart (`const K` and `struct K`).
        var declaringFile: [String: Int] = [:]
        for (fileIndex, file) in files.enumerated() {
            var table: [String: Symbol] = [:]
            var constantTable: [String: Symbol] = [:]
            var declaredAt: [String: SourceLocation] = [:]
            var constantDeclaredAt: [String: SourceLocation] = [:]
            let qualifier = file.qualifier
            for definition in file.document.definitions {
                let isConstant = if case .const = definition { true } else { false }
                if let previous = isConstant ? constantDeclaredAt[definition.name] : declaredAt[definition.name] {
                    record(
                        ThriftIDLError(
                            location: definition.location,
                            message: "'\(definition.name)' is already declared at line \(previous.line)"))
                    continue
                }
                if isConstant {
                    constantDeclaredAt[definition.name] = definition.location
                } else {
                    declaredAt[definition.name] = definition.location
                }
                let key = (isConstant ? "const " : "") + qualifier + definition.name
                if let other = declaringFile[key] {
                    sharedNames.insert(key)
                    if case .service = definition {
                        warn(
                            "service '\(qualifier + definition.name)' is also declared in '\(files[other].path)', which "
                                + "is included as '\(qualifier.dropLast())' too: no route can call either by that name",
                            at: definition.location)
                    }
                } else {
                    declaringFile[key] = fileIndex
                }
                switch definition {
                case .structure(let structure):
                    table[structure.name] = .structure(structs.count)
                    structs.append(
                        StructDescriptor(
                            name: qualifier + structure.name, kind: structure.kind, fields: [],
                            annotations: structure.annotations, location: structure.location))
                    structSources.append((fileIndex, structure))
                    defaultStates.append(.pending)
                case .enum(let enumeration):
                    table[enumeration.name] = .enumeration(enums.count)
                    enums.append(declareEnum(enumeration, qualifier: qualifier))
                case .typedef(let typedef):
                    table[typedef.name] = .typedef(typedefs.count)
                    typedefs.append((fileIndex, typedef))
                    typedefStates.append(.pending)
                case .const(let constant):
                    constantTable[constant.name] = .constant(constants.count)
                    constants.append((fileIndex, constant))
                    constantStates.append(.pending)
                case .service(let service):
                    table[service.name] = .service(services.count)
                    services.append((fileIndex, service))
                    serviceStates.append(.pending)
                    serviceExtends.append(nil)
                }
            }
            symbols.append(table)
            constantSymbols.append(constantTable)
        }
    }

    private mutating func declareEnum(_ enumeration: IDLEnum, qualifier: String) -> EnumDescriptor {
        var values: [EnumDescriptor.Value] = []
        var seen: [String: SourceLocation] = [:]
        for (value, location) in zip(enumeration.values, enumeration.valueLocations) {
            if let previous = seen[value.name] {
                record(
                    ThriftIDLError(
                        location: location,
                        message: "duplicate value name '\(value.name)' in enum '\(enumeration.name)' "
                            + "(first declared at line \(previous.line))"))
                continue
            }
            seen[value.name] = location
            values.append(value)
        }
        return EnumDescriptor(
            name: qualifier + enumeration.name, values: values, annotations: enumeration.annotations,
            location: enumeration.location)
    }

    private func assemble() -> ThriftSchema {
        var schema = ThriftSchema(structs: structs, enums: enums, rootFile: files.last?.path ?? "<memory>")
        schema.warnings = sortedWarnings
        // A qualified name that two included files with one stem both declare names neither in the schema's
        // tables; definitions reach each through their own file's lookup.
        for (index, (file, service)) in services.enumerated() {
            let name = files[file].qualifier + service.name
            guard case .resolved(let methods) = serviceStates[index], !sharedNames.contains(name) else { continue }
            schema.services[name] = ServiceDescriptor(
                name: name, extends: serviceExtends[index], methods: methods, annotations: service.annotations,
                location: service.location)
        }
        for (index, (file, constant)) in constants.enumerated() {
            let name = files[file].qualifier + constant.name
            if case .resolved(let resolved) = constantStates[index], !sharedNames.contains("const " + name) {
                schema.constants[name] = resolved.value
            }
        }
        for (index, (file, typedef)) in typedefs.enumerated() {
            let name = files[file].qualifier + typedef.name
            if case .resolved(let type) = typedefStates[index], !sharedNames.contains(name) {
                schema.typedefs[name] = type
                let annotations = typedefAnnotations(index)
                if !annotations.isEmpty { schema.typedefAnnotations[name] = annotations }
            }
        }
        for (scope, name) in files.last?.document.namespaces ?? [] {
            schema.namespaces[scope] = name
        }
        return schema
    }
}
