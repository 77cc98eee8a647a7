/// A field's type as one byte, with the wire type each kind uses.
enum ProtobufKind: UInt8 {
    case double, float, int64, uint64, int32, fixed64, fixed32, bool, string, bytes, uint32, sfixed32, sfixed64
    case sint32, sint64, enumeration, message, group

    static func of(_ type: ProtobufFieldType) -> (ProtobufKind, Int32) {
        switch type {
        case .double: (.double, -1)
        case .float: (.float, -1)
        case .int64: (.int64, -1)
        case .uint64: (.uint64, -1)
        case .int32: (.int32, -1)
        case .fixed64: (.fixed64, -1)
        case .fixed32: (.fixed32, -1)
        case .bool: (.bool, -1)
        case .string: (.string, -1)
        case .bytes: (.bytes, -1)
        case .uint32: (.uint32, -1)
        case .sfixed32: (.sfixed32, -1)
        case .sfixed64: (.sfixed64, -1)
        case .sint32: (.sint32, -1)
        case .sint64: (.sint64, -1)
        case .enumeration(let id): (.enumeration, Int32(id.index))
        case .message(let id): (.message, Int32(id.index))
        case .group(let id): (.group, Int32(id.index))
        }
    }

    /// The wire type of one value of this kind, unpacked.
    var wireType: WireType {
        switch self {
        case .double, .fixed64, .sfixed64: .fixed64
        case .float, .fixed32, .sfixed32: .fixed32
        case .string, .bytes, .message: .lengthDelimited
        case .group: .startGroup
        default: .varint
        }
    }
}

/// Protobuf's wire types.
enum WireType: UInt8 {
    case varint = 0, fixed64 = 1, lengthDelimited = 2, startGroup = 3, endGroup = 4, fixed32 = 5
}
