/// Everything one root `.thrift` file (and what it includes) declares, resolved and validated.
///
/// Built once off the request path by ``ThriftIDL``; immutable afterwards and shared by every request.
public struct ThriftSchema: Sendable {
    /// Structs, unions, exceptions and the synthetic `_args` / `_result` structs of every method.
    public var structs: [StructDescriptor] {
        didSet { fieldLookupCache = FieldLookupCache() }
    }
    public var enums: [EnumDescriptor]
    /// Keyed by name as the root file sees it: `Service` for its own, `include.Service` for included ones.
    public var services: [String: ServiceDescriptor]
    /// Keyed like ``services``.
    public var constants: [String: ConstValue]
    /// Keyed like ``services``; values are the resolved types (typedef chains followed to the end).
    public var typedefs: [String: ThriftType]
    /// `namespace` declarations of the root file, by scope (`go`, `py`, `*`, ...).
    public var namespaces: [String: String]
    /// The root file's path, as given.
    public var rootFile: String
    /// Lookup tables derived from ``structs`` on first use (see `FieldLookupTable`).
    var fieldLookupCache = FieldLookupCache()

    public init(
        structs: [StructDescriptor] = [],
        enums: [EnumDescriptor] = [],
        services: [String: ServiceDescriptor] = [:],
        constants: [String: ConstValue] = [:],
        typedefs: [String: ThriftType] = [:],
        namespaces: [String: String] = [:],
        rootFile: String = "<memory>"
    ) {
        self.structs = structs
        self.enums = enums
        self.services = services
        self.constants = constants
        self.typedefs = typedefs
        self.namespaces = namespaces
        self.rootFile = rootFile
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
