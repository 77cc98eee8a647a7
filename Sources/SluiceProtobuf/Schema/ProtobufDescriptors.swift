/// A message type, by its index in ``ProtobufSchema/messages``.
public struct ProtobufMessageID: Sendable, Hashable {
    public let index: Int
    public init(index: Int) { self.index = index }
}

/// An enum type, by its index in ``ProtobufSchema/enums``.
public struct ProtobufEnumID: Sendable, Hashable {
    public let index: Int
    public init(index: Int) { self.index = index }
}

/// A field's declared type, with message and enum types resolved to indices.
public enum ProtobufFieldType: Sendable, Hashable {
    case double, float, int64, uint64, int32, fixed64, fixed32, bool, string, bytes, uint32, sfixed32, sfixed64
    case sint32, sint64
    case enumeration(ProtobufEnumID)
    case message(ProtobufMessageID)
    /// A proto2 group: a message delimited by start/end tags instead of a length.
    case group(ProtobufMessageID)
}

public enum ProtobufLabel: Sendable, Hashable {
    case optional, required, repeated
}

/// A proto2 `[default = ...]`, parsed once from the descriptor's text form.
public enum ProtobufDefault: Sendable, Hashable {
    case int(Int64)
    case uint(UInt64)
    case double(Double)
    case bool(Bool)
    case string(String)
    case bytes([UInt8])
    case enumValue(Int32)
}

public struct ProtobufField: Sendable, Hashable {
    public let name: String
    /// The JSON name (`json_name`, or protoc's lowerCamel of `name`).
    public let jsonName: String
    public let number: Int32
    public let type: ProtobufFieldType
    public let label: ProtobufLabel
    /// Repeated scalars written packed (proto3 and editions by default, proto2 with `[packed = true]`).
    public let isPacked: Bool
    /// Whether "not set" differs from the default: proto2 singular fields, proto3 `optional`, messages, oneof members.
    public let hasPresence: Bool
    /// The real oneof this field belongs to (proto3 `optional`'s synthetic oneof is not one).
    public let oneofIndex: Int?
    public let defaultValue: ProtobufDefault?
    /// A `map<K, V>` field: repeated entries of a map-entry message (key field 1, value field 2).
    public let isMap: Bool
}

public struct ProtobufMessage: Sendable, Hashable {
    /// Fully qualified, without the leading dot: `pkg.Outer.Inner`.
    public let fullName: String
    /// Sorted by field number.
    public let fields: [ProtobufField]
    /// Names of the real oneofs, by ``ProtobufField/oneofIndex``.
    public let oneofs: [String]
    public let isMapEntry: Bool
    /// The well-known type with a special JSON form, if this is one.
    public let wellKnown: ProtobufWellKnownType?
}

public struct ProtobufEnumValue: Sendable, Hashable {
    public let name: String
    public let number: Int32
}

public struct ProtobufEnum: Sendable, Hashable {
    public let fullName: String
    public let values: [ProtobufEnumValue]
    /// proto2 enums are closed: a number they do not declare is an unknown field, not a value.
    public let isClosed: Bool
}

public struct ProtobufMethod: Sendable, Hashable {
    /// `pkg.Service.Method`.
    public let fullName: String
    public let input: ProtobufMessageID
    public let output: ProtobufMessageID
    public let clientStreaming: Bool
    public let serverStreaming: Bool
}

/// The well-known types whose JSON form is not an object of their fields.
public enum ProtobufWellKnownType: UInt8, Sendable, Hashable {
    case any = 1, timestamp, duration, fieldMask, structure, value, listValue
    case doubleValue, floatValue, int64Value, uint64Value, int32Value, uint32Value, boolValue, stringValue, bytesValue

    init?(fullName: String) {
        switch fullName {
        case "google.protobuf.Any": self = .any
        case "google.protobuf.Timestamp": self = .timestamp
        case "google.protobuf.Duration": self = .duration
        case "google.protobuf.FieldMask": self = .fieldMask
        case "google.protobuf.Struct": self = .structure
        case "google.protobuf.Value": self = .value
        case "google.protobuf.ListValue": self = .listValue
        case "google.protobuf.DoubleValue": self = .doubleValue
        case "google.protobuf.FloatValue": self = .floatValue
        case "google.protobuf.Int64Value": self = .int64Value
        case "google.protobuf.UInt64Value": self = .uint64Value
        case "google.protobuf.Int32Value": self = .int32Value
        case "google.protobuf.UInt32Value": self = .uint32Value
        case "google.protobuf.BoolValue": self = .boolValue
        case "google.protobuf.StringValue": self = .stringValue
        case "google.protobuf.BytesValue": self = .bytesValue
        default: return nil
        }
    }

    /// The wrappers (`Int32Value` ...): JSON is their field 1's value alone.
    var isWrapper: Bool { rawValue >= Self.doubleValue.rawValue }
}
