/// Where a construct was declared, for errors that name `file:line:column`.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String { "\(file):\(line):\(column)" }
}

/// `( key = "value", ... )` on any construct. Keys may repeat (`api.get` twice is legal), so this is an
/// ordered list, not a dictionary.
public struct Annotations: Sendable, Hashable {
    public var entries: [(key: String, value: String)]

    public init(_ entries: [(key: String, value: String)] = []) { self.entries = entries }

    /// The last value written for `key`, as Thrift compilers read annotations.
    public subscript(key: String) -> String? {
        entries.last(where: { $0.key == key })?.value
    }

    public var isEmpty: Bool { entries.isEmpty }

    public static func == (lhs: Annotations, rhs: Annotations) -> Bool {
        lhs.entries.elementsEqual(rhs.entries) { $0.key == $1.key && $0.value == $1.value }
    }

    public func hash(into hasher: inout Hasher) {
        for entry in entries {
            hasher.combine(entry.key)
            hasher.combine(entry.value)
        }
    }
}

public enum Requiredness: Sendable, Hashable {
    case required
    case optional
    /// Neither keyword: written when set, and when it has a default value.
    case `default`
}

/// A constant as written in the IDL, with identifiers already resolved (enum values become `.int`,
/// references to other constants are replaced by their value).
public indirect enum ConstValue: Sendable, Hashable {
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case list([ConstValue])
    /// Map and struct literals keep their pairs in source order; struct literal keys are `.string`.
    case map([ConstPair])
}

public struct ConstPair: Sendable, Hashable {
    public var key: ConstValue
    public var value: ConstValue
    public init(key: ConstValue, value: ConstValue) {
        self.key = key
        self.value = value
    }
}

public struct FieldDescriptor: Sendable, Hashable {
    public var id: Int16
    public var name: String
    public var type: ThriftType
    public var requiredness: Requiredness
    public var defaultValue: ConstValue?
    public var annotations: Annotations
    public var location: SourceLocation
    /// Annotations on the field's type rather than on the field: written after the type
    /// (`1: i64 (js.type = "string") id`) or on the typedefs it goes through, innermost first, so the
    /// subscript reads the one nearest the field.
    public var typeAnnotations = Annotations()

    public init(
        id: Int16,
        name: String,
        type: ThriftType,
        requiredness: Requiredness = .default,
        defaultValue: ConstValue? = nil,
        annotations: Annotations = Annotations(),
        location: SourceLocation
    ) {
        self.id = id
        self.name = name
        self.type = type
        self.requiredness = requiredness
        self.defaultValue = defaultValue
        self.annotations = annotations
        self.location = location
    }
}

public struct StructDescriptor: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        case `struct`
        case union
        case exception
    }

    /// Qualified by include prefix outside the root file (`shared.Base`); synthetic method structs are
    /// named `Service.method_args` / `Service.method_result`.
    public var name: String
    public var kind: Kind
    public var fields: [FieldDescriptor]
    public var annotations: Annotations
    public var location: SourceLocation

    public init(
        name: String,
        kind: Kind,
        fields: [FieldDescriptor],
        annotations: Annotations = Annotations(),
        location: SourceLocation
    ) {
        self.name = name
        self.kind = kind
        self.fields = fields
        self.annotations = annotations
        self.location = location
    }

    /// The index in ``fields`` of the field with wire id `id`.
    @inlinable
    public func fieldIndex(id: Int16) -> Int? {
        fields.firstIndex { $0.id == id }
    }

    /// The index in ``fields`` of the field called `name`.
    public func fieldIndex(named name: String) -> Int? {
        fields.firstIndex { $0.name == name }
    }
}

public struct EnumDescriptor: Sendable, Hashable {
    public struct Value: Sendable, Hashable {
        public var name: String
        public var value: Int32
        public var annotations: Annotations
        public init(name: String, value: Int32, annotations: Annotations = Annotations()) {
            self.name = name
            self.value = value
            self.annotations = annotations
        }
    }

    public var name: String
    public var values: [Value]
    public var annotations: Annotations
    public var location: SourceLocation

    public init(name: String, values: [Value], annotations: Annotations = Annotations(), location: SourceLocation) {
        self.name = name
        self.values = values
        self.annotations = annotations
        self.location = location
    }

    public func name(of value: Int32) -> String? { values.first { $0.value == value }?.name }
    public func value(named name: String) -> Int32? { values.first { $0.name == name }?.value }
}

public struct MethodDescriptor: Sendable, Hashable {
    public var name: String
    /// The synthetic `_args` struct: one field per argument, ids as declared.
    public var arguments: StructID
    /// The synthetic `_result` struct: `success` with id 0 (absent when `void`), then each declared
    /// exception with its `throws` id.
    public var result: StructID
    /// `nil` for `void`.
    public var returnType: ThriftType?
    public var oneway: Bool
    public var annotations: Annotations
    public var location: SourceLocation

    public init(
        name: String,
        arguments: StructID,
        result: StructID,
        returnType: ThriftType?,
        oneway: Bool,
        annotations: Annotations = Annotations(),
        location: SourceLocation
    ) {
        self.name = name
        self.arguments = arguments
        self.result = result
        self.returnType = returnType
        self.oneway = oneway
        self.annotations = annotations
        self.location = location
    }
}

public struct ServiceDescriptor: Sendable, Hashable {
    public var name: String
    /// Qualified name of the extended service, if any.
    public var extends: String?
    /// This service's own methods followed by every inherited one (a method redefined here wins).
    public var methods: [MethodDescriptor]
    public var annotations: Annotations
    public var location: SourceLocation

    public init(
        name: String,
        extends: String? = nil,
        methods: [MethodDescriptor],
        annotations: Annotations = Annotations(),
        location: SourceLocation
    ) {
        self.name = name
        self.extends = extends
        self.methods = methods
        self.annotations = annotations
        self.location = location
    }

    public func method(named name: String) -> MethodDescriptor? {
        methods.first { $0.name == name }
    }
}
