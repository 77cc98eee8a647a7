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
    /// Longest chain of typedefs, constants or `extends` followed; resolution recurses along a chain, so
    /// a hostile file cannot exhaust the stack.
    static let maximumChain = 200

    init(files: [IDLLoadedFile]) {
        self.files = files
    }

    mutating func record(_ error: ThriftIDLError) {
        if !errors.contains(error) { errors.append(error) }
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
            let (file, definition) = structSources[index]
            structs[index].fields = resolveDefaults(of: structs[index].fields, declared: definition.fields, in: file)
        }
        for index in services.indices {
            _ = resolveService(index)
        }
        return assemble()
    }

    /// Errors in source order: file by file (included files first), then by position.
    var sortedErrors: [ThriftIDLError] {
        var rank: [String: Int] = [:]
        for (index, file) in files.enumerated() { rank[file.path] = index }
        return errors.enumerated().sorted { lhs, rhs in
            let left = (rank[lhs.element.location.file] ?? -1, lhs.element.location.line, lhs.element.location.column)
            let right = (rank[rhs.element.location.file] ?? -1, rhs.element.location.line, rhs.element.location.column)
            return left == right ? lhs.offset < rhs.offset : left < right
        }.map(\.element)
    }

    /// Registers every top-level name of every file, so forward references resolve.
    private mutating func declare() {
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
                switch definition {
                case .structure(let structure):
                    table[structure.name] = .structure(structs.count)
                    structs.append(
                        StructDescriptor(
                            name: qualifier + structure.name, kind: structure.kind, fields: [],
                            annotations: structure.annotations, location: structure.location))
                    structSources.append((fileIndex, structure))
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

    /// `Name` in `file` itself, or `inc.Name` in the file it includes as `inc`; a type or service, or
    /// with `constants` a constant.
    func lookup(_ name: String, in file: Int, constants: Bool = false) -> Symbol? {
        let tables = constants ? constantSymbols : symbols
        if let symbol = tables[file][name] { return symbol }
        guard let dot = name.firstIndex(of: ".") else { return nil }
        let prefix = String(name[..<dot])
        let rest = String(name[name.index(after: dot)...])
        guard let included = files[file].includes[prefix] else { return nil }
        return tables[included][rest]
    }

    private func assemble() -> ThriftSchema {
        var schema = ThriftSchema(structs: structs, enums: enums, rootFile: files.last?.path ?? "<memory>")
        for (index, (file, service)) in services.enumerated() {
            guard case .resolved(let methods) = serviceStates[index] else { continue }
            let name = files[file].qualifier + service.name
            schema.services[name] = ServiceDescriptor(
                name: name, extends: serviceExtends[index], methods: methods, annotations: service.annotations,
                location: service.location)
        }
        for (index, (file, constant)) in constants.enumerated() {
            if case .resolved(let resolved) = constantStates[index] {
                schema.constants[files[file].qualifier + constant.name] = resolved.value
            }
        }
        for (index, (file, typedef)) in typedefs.enumerated() {
            if case .resolved(let type) = typedefStates[index] {
                schema.typedefs[files[file].qualifier + typedef.name] = type
            }
        }
        for (scope, name) in files.last?.document.namespaces ?? [] {
            schema.namespaces[scope] = name
        }
        return schema
    }
}
