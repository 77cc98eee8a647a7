// A field header and its value written together. Each append to a `ByteBuffer` costs a uniqueness check
// and an exclusivity check on its storage, so for the common scalar and string fields the transcoder asks
// for one append instead of two or three. Writers that do not specialise these get the plain sequence.
extension ThriftProtocolWriter {
    /// `type` is `.i8`, `.i16`, `.i32` or `.i64`; `value` is already in its range.
    public mutating func writeIntegerField(_ type: WireType, id: Int16, value: Int64) {
        writeFieldBegin(type, id: id)
        switch type {
        case .i8: writeI8(Int8(truncatingIfNeeded: value))
        case .i16: writeI16(Int16(truncatingIfNeeded: value))
        case .i32: writeI32(Int32(truncatingIfNeeded: value))
        default: writeI64(value)
        }
    }

    public mutating func writeDoubleField(id: Int16, value: Double) {
        writeFieldBegin(.double, id: id)
        writeDouble(value)
    }

    /// A string or binary field: header, length and bytes.
    public mutating func writeBinaryField(id: Int16, bytes: UnsafeRawBufferPointer) {
        writeFieldBegin(.string, id: id)
        writeBinary(bytes)
    }
}
