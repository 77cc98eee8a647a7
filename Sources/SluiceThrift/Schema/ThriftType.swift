/// A Thrift type with every typedef resolved away.
///
/// Structs and enums are referred to by index into the owning ``ThriftSchema``, so a schema is a flat,
/// immutable value: recursive types need no reference cycles, and the transcoder reaches a descriptor
/// with one array access.
public indirect enum ThriftType: Sendable, Hashable {
    case bool
    case i8
    case i16
    case i32
    case i64
    case double
    case string
    case binary
    case uuid
    case list(ThriftType)
    case set(ThriftType)
    case map(key: ThriftType, value: ThriftType)
    /// A `struct`, `union` or `exception`.
    case structure(StructID)
    case enumeration(EnumID)

    /// The type's code on the wire (Binary protocol numbering; Compact maps it to its own nibbles).
    @inlinable
    public var wireType: WireType {
        switch self {
        case .bool: .bool
        case .i8: .i8
        case .i16: .i16
        case .i32, .enumeration: .i32
        case .i64: .i64
        case .double: .double
        case .string, .binary: .string
        case .uuid: .uuid
        case .list: .list
        case .set: .set
        case .map: .map
        case .structure: .structure
        }
    }
}

/// Index of a struct, union or exception in ``ThriftSchema/structs``.
public struct StructID: Sendable, Hashable {
    public let index: Int
    @inlinable public init(_ index: Int) { self.index = index }
}

/// Index of an enum in ``ThriftSchema/enums``.
public struct EnumID: Sendable, Hashable {
    public let index: Int
    @inlinable public init(_ index: Int) { self.index = index }
}

/// Thrift's type codes, as the Binary protocol writes them.
public enum WireType: UInt8, Sendable, Hashable {
    case stop = 0
    case bool = 2
    case i8 = 3
    case double = 4
    case i16 = 6
    case i32 = 8
    case i64 = 10
    case string = 11
    case structure = 12
    case map = 13
    case set = 14
    case list = 15
    case uuid = 16
}
