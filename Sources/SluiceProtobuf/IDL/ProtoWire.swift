/// The protobuf wire format, as much as option values need: tags, varints, fixed-width numbers.
enum ProtoWire {
    static let varint: UInt8 = 0
    static let fixed64: UInt8 = 1
    static let lengthDelimited: UInt8 = 2
    static let startGroup: UInt8 = 3
    static let endGroup: UInt8 = 4
    static let fixed32: UInt8 = 5

    static func appendVarint(_ value: UInt64, to bytes: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    static func appendTag(_ number: Int32, _ wireType: UInt8, to bytes: inout [UInt8]) {
        appendVarint(UInt64(UInt32(bitPattern: number)) << 3 | UInt64(wireType), to: &bytes)
    }

    static func appendLittleEndian<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// `payload` as field `number`: length-delimited, or between group tags for groups.
    static func wrap(_ payload: [UInt8], number: Int32, asGroup: Bool) -> [UInt8] {
        var bytes: [UInt8] = []
        if asGroup {
            appendTag(number, startGroup, to: &bytes)
            bytes += payload
            appendTag(number, endGroup, to: &bytes)
        } else {
            appendTag(number, lengthDelimited, to: &bytes)
            appendVarint(UInt64(payload.count), to: &bytes)
            bytes += payload
        }
        return bytes
    }
}
