/// Compact protocol type nibbles.
enum CompactType {
    static let boolTrue: UInt8 = 1
    static let boolFalse: UInt8 = 2

    /// The nibble for `type` in field headers and container headers (bool elements use `boolTrue`).
    @inline(__always)
    static func nibble(_ type: WireType) -> UInt8 {
        switch type {
        case .stop: 0
        case .bool: 1
        case .i8: 3
        case .i16: 4
        case .i32: 5
        case .i64: 6
        case .double: 7
        case .string: 8
        case .list: 9
        case .set: 10
        case .map: 11
        case .structure: 12
        case .uuid: 13
        }
    }

    /// The wire type of a nibble; both bool nibbles are `.bool`.
    @inline(__always)
    static func wireType(_ nibble: UInt8) -> WireType? {
        switch nibble {
        case 0: .stop
        case 1, 2: .bool
        case 3: .i8
        case 4: .i16
        case 5: .i32
        case 6: .i64
        case 7: .double
        case 8: .string
        case 9: .list
        case 10: .set
        case 11: .map
        case 12: .structure
        case 13: .uuid
        default: nil
        }
    }
}
