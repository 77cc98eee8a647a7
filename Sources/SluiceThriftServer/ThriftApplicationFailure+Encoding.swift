internal import NIOCore
internal import SluiceThrift

extension ThriftApplicationFailure {
    /// Writes the TApplicationException struct body: `1: string message`, `2: i32 type`, STOP.
    func writeBody(to buffer: inout ByteBuffer, protocol kind: ThriftProtocolKind) {
        switch kind {
        case .binary:
            buffer.writeInteger(UInt8(11))
            buffer.writeInteger(Int16(1))
            let lengthIndex = buffer.writerIndex
            buffer.writeInteger(Int32(0))
            buffer.setInteger(Int32(buffer.writeString(message)), at: lengthIndex)
            buffer.writeInteger(UInt8(8))
            buffer.writeInteger(Int16(2))
            buffer.writeInteger(type.rawValue)
        case .compact:
            // Field deltas of 1 fit the short form: delta<<4 | type nibble (BINARY 8, I32 5).
            buffer.writeInteger(UInt8(0x18))
            Self.writeVarint(UInt64(message.utf8.count), to: &buffer)
            buffer.writeString(message)
            buffer.writeInteger(UInt8(0x15))
            let zigzag = UInt32(bitPattern: (type.rawValue << 1) ^ (type.rawValue >> 31))
            Self.writeVarint(UInt64(zigzag), to: &buffer)
        }
        buffer.writeInteger(UInt8(0))
    }

    private static func writeVarint(_ value: UInt64, to buffer: inout ByteBuffer) {
        var value = value
        while value >= 0x80 {
            buffer.writeInteger(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        buffer.writeInteger(UInt8(value))
    }
}
