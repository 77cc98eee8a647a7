/// The syntax tree of one IDL file, before names are resolved. Only the parser builds it and only the
/// resolver reads it.
struct IDLDocument: Sendable {
    var file: String
    var includes: [IDLInclude] = []
    var namespaces: [(scope: String, name: String)] = []
    var cppIncludes: [String] = []
    var definitions: [IDLDefinition] = []
}

struct IDLInclude: Sendable {
    var path: String
    var location: SourceLocation
}

enum IDLDefinition: Sendable {
    case typedef(IDLTypedef)
    case `enum`(IDLEnum)
    case const(IDLConst)
    case structure(IDLStruct)
    case service(IDLService)

    var name: String {
        switch self {
        case .typedef(let definition): definition.name
        case .enum(let definition): definition.name
        case .const(let definition): definition.name
        case .structure(let definition): definition.name
        case .service(let definition): definition.name
        }
    }

    var location: SourceLocation {
        switch self {
        case .typedef(let definition): definition.location
        case .enum(let definition): definition.location
        case .const(let definition): definition.location
        case .structure(let definition): definition.location
        case .service(let definition): definition.location
        }
    }
}

indirect enum IDLTypeReference: Sendable {
    case base(ThriftType)
    case list(IDLTypeReference)
    case set(IDLTypeReference)
    case map(key: IDLTypeReference, value: IDLTypeReference)
    /// A struct, enum or typedef, possibly qualified by an include (`shared.Base`).
    case named(String, SourceLocation)
    /// A base or container type with annotations written after it: `i64 (js.type = "string")`.
    case annotated(IDLTypeReference, Annotations)
}

struct IDLTypedef: Sendable {
    var name: String
    var type: IDLTypeReference
    var annotations: Annotations
    var location: SourceLocation
}

struct IDLEnum: Sendable {
    var name: String
    var values: [EnumDescriptor.Value]
    /// Where each value was declared, parallel to `values`.
    var valueLocations: [SourceLocation]
    var annotations: Annotations
    var location: SourceLocation
}

struct IDLConst: Sendable {
    var name: String
    var type: IDLTypeReference
    var value: IDLConstValue
    var location: SourceLocation
}

struct IDLConstValue: Sendable {
    indirect enum Kind: Sendable {
        case bool(Bool)
        case int(Int64)
        case double(Double)
        case string(String)
        /// A reference to a constant or an enum value: `NAME`, `Color.RED`, `inc.NAME`, `inc.Color.RED`.
        case identifier(String)
        case list([IDLConstValue])
        case map([(key: IDLConstValue, value: IDLConstValue)])
    }

    var kind: Kind
    var location: SourceLocation
}

struct IDLField: Sendable {
    /// Declared, or the next negative id (-1, -2, ...) of its list when omitted, as Apache Thrift assigns.
    var id: Int16
    var name: String
    var type: IDLTypeReference
    var requiredness: Requiredness
    var defaultValue: IDLConstValue?
    var annotations: Annotations
    var location: SourceLocation
}

struct IDLStruct: Sendable {
    var name: String
    var kind: StructDescriptor.Kind
    var fields: [IDLField]
    var annotations: Annotations
    var location: SourceLocation
}

struct IDLFunction: Sendable {
    var name: String
    var oneway: Bool
    /// `nil` for `void`.
    var returnType: IDLTypeReference?
    var arguments: [IDLField]
    var exceptions: [IDLField]
    var annotations: Annotations
    var location: SourceLocation
}

struct IDLService: Sendable {
    var name: String
    var extends: (name: String, location: SourceLocation)?
    var functions: [IDLFunction]
    var annotations: Annotations
    var location: SourceLocation
}
