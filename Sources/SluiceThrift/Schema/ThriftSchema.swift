/// Everything one root `.thrift` file (and what it includes) declares, resolved and validated.
///
/// Built once off the request path by ``ThriftIDL``; immutable afterwards and shared by every request.
public struct ThriftSchema: Sendable {
    /// One reference for the whole schema: the transcoder keeps a schema per call, and copying one
    /// reference instead of seven (each retained and released by both event loops) is measurable there.
    private var storage: Storage

    /// Structs, unions, exceptions and the synthetic `_args` / `_result` structs of every method.
    public var structs: [StructDescriptor] {
        get { storage.structs }
        _modify {
            let storage = uniqueStorage()
            yield &storage.structs
            storage.fieldLookup = FieldLookupTable(storage.structs)
            storage.httpFieldLookup = Self.httpLookup(storage.structs, plain: storage.fieldLookup)
        }
    }
    public var enums: [EnumDescriptor] {
        get { storage.enums }
        _modify { yield &uniqueStorage().enums }
    }
    /// Keyed by name as the root file sees it: `Service` for its own, `include.Service` for included ones.
    public var services: [String: ServiceDescriptor] {
        get { storage.services }
        _modify { yield &uniqueStorage().services }
    }
    /// Keyed like ``services``.
    public var constants: [String: ConstValue] {
        get { storage.constants }
        _modify { yield &uniqueStorage().constants }
    }
    /// Keyed like ``services``; values are the resolved types (typedef chains followed to the end).
    public var typedefs: [String: ThriftType] {
        get { storage.typedefs }
        _modify { yield &uniqueStorage().typedefs }
    }
    /// Keyed like ``typedefs``: each typedef's annotations after those of the types it names (only the
    /// typedefs that have any).
    public var typedefAnnotations: [String: Annotations] {
        get { storage.typedefAnnotations }
        _modify { yield &uniqueStorage().typedefAnnotations }
    }
    /// What loading accepted but is probably a mistake, in source order (`sluice check` prints them).
    public var warnings: [ThriftIDLWarning] {
        get { storage.warnings }
        _modify { yield &uniqueStorage().warnings }
    }
    /// `namespace` declarations of the root file, by scope (`go`, `py`, `*`, ...).
    public var namespaces: [String: String] {
        get { storage.namespaces }
        _modify { yield &uniqueStorage().namespaces }
    }
    /// The root file's path, as given.
    public var rootFile: String {
        get { storage.rootFile }
        _modify { yield &uniqueStorage().rootFile }
    }
    /// Field ids, names and JSON keys of every struct, for the transcoder's per-field loops; rebuilt
    /// whenever ``structs`` changes, so it never describes other structs than the schema's.
    var fieldLookup: FieldLookupTable { storage.fieldLookup }
    /// The same with Kitex/Hertz HTTP annotations applied (`api.body` keys, `api.none`, `api.js_conv`); the
    /// plain table itself when no field has them.
    var httpFieldLookup: FieldLookupTable { storage.httpFieldLookup }

    private static func httpLookup(_ structs: [StructDescriptor], plain: FieldLookupTable) -> FieldLookupTable {
        FieldLookupTable.annotationsMatter(structs) ? FieldLookupTable(structs, httpAnnotations: true) : plain
    }

    public init(
        structs: [StructDescriptor] = [],
        enums: [EnumDescriptor] = [],
        services: [String: ServiceDescriptor] = [:],
        constants: [String: ConstValue] = [:],
        typedefs: [String: ThriftType] = [:],
        namespaces: [String: String] = [:],
        rootFile: String = "<memory>"
    ) {
        let fieldLookup = FieldLookupTable(structs)
        self.storage = Storage(
            structs: structs, enums: enums, services: services, constants: constants, typedefs: typedefs,
            namespaces: namespaces, rootFile: rootFile, fieldLookup: fieldLookup,
            httpFieldLookup: Self.httpLookup(structs, plain: fieldLookup))
    }

    private mutating func uniqueStorage() -> Storage {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
        return storage
    }

    // @unchecked: written only through ThriftSchema's accessors, after `uniqueStorage()` made this instance
    // the schema's own (copy-on-write), so an instance that is shared is never written.
    private final class Storage: @unchecked Sendable {
        var structs: [StructDescriptor]
        var enums: [EnumDescriptor]
        var services: [String: ServiceDescriptor]
        var constants: [String: ConstValue]
        var typedefs: [String: ThriftType]
        var namespaces: [String: String]
        var rootFile: String
        var fieldLookup: FieldLookupTable
        var httpFieldLookup: FieldLookupTable
        var typedefAnnotations: [String: Annotations] = [:]
        var warnings: [ThriftIDLWarning] = []

        init(
            structs: [StructDescriptor], enums: [EnumDescriptor], services: [String: ServiceDescriptor],
            constants: [String: ConstValue], typedefs: [String: ThriftType], namespaces: [String: String],
            rootFile: String, fieldLookup: FieldLookupTable, httpFieldLookup: FieldLookupTable
        ) {
            self.structs = structs
            self.enums = enums
            self.services = services
            self.constants = constants
            self.typedefs = typedefs
            self.namespaces = namespaces
            self.rootFile = rootFile
            self.fieldLookup = fieldLookup
            self.httpFieldLookup = httpFieldLookup
        }

        func copy() -> Storage {
            let copy = Storage(
                structs: structs, enums: enums, services: services, constants: constants, typedefs: typedefs,
                namespaces: namespaces, rootFile: rootFile, fieldLookup: fieldLookup, httpFieldLookup: httpFieldLookup)
            copy.typedefAnnotations = typedefAnnotations
            copy.warnings = warnings
            return copy
        }
    }

    @inlinable
    public subscript(id: StructID) -> StructDescriptor { structs[id.index] }

    @inlinable
    public subscript(id: EnumID) -> EnumDescriptor { enums[id.index] }

    /// Finds `Service.method` (the service part may itself be qualified: `shared.Base.ping`).
    public func method(_ qualified: String) -> (service: ServiceDescriptor, method: MethodDescriptor)? {
        guard let dot = qualified.lastIndex(of: ".") else { return nil }
        let serviceName = String(qualified[..<dot])
        let methodName = String(qualified[qualified.index(after: dot)...])
        guard let service = services[serviceName], let method = service.method(named: methodName) else {
            return nil
        }
        return (service, method)
    }
}
