import NIOCore
import SluiceJSON

extension JSONToProtobuf {
    /// The JSON value next in the scanner as the field at `target` (outermost first, every step but the last
    /// a singular message field): the message fields on the way opened with their tags, the last field written
    /// as an object member of that name would be (a message from an object, a repeated field from an array, a
    /// map from an object, a scalar from its JSON value). `null` is no value, as for a member: then nothing
    /// is written, not even the messages on the way (their presence would be a value the client did not send).
    mutating func encodeBody(at target: [ProtobufFieldTable.Field]) throws(ProtobufTranscodeError) {
        let start = out.buffer.writerIndex
        if try !encodeTargetField(target[...]) { out.buffer.moveWriterIndex(to: start) }
    }

    /// Returns whether the value was written.
    private mutating func encodeTargetField(_ target: ArraySlice<ProtobufFieldTable.Field>)
        throws(ProtobufTranscodeError) -> Bool
    {
        guard let field = target.first else { return false }
        if target.count == 1 {
            if try peek() == .null && (field.isRepeated || !acceptsNull(field)) {
                try skipValue()
                return false
            }
            try encodeField(field)
            return true
        }
        if field.kind == .group {
            out.tag(field.number, .startGroup)
            let written = try encodeTargetField(target.dropFirst())
            out.tag(field.number, .endGroup)
            return written
        }
        out.tag(field.number, .lengthDelimited)
        let mark = out.beginLength()
        let written = try encodeTargetField(target.dropFirst())
        out.endLength(mark)
        return written
    }

    /// With no body and ``CallInput/sendsEmptyTarget``: the target message present but empty (with the
    /// messages on the way). Only a singular message has an empty form that differs from absence; for any
    /// other target nothing is written.
    mutating func encodeEmptyTarget(_ target: [ProtobufFieldTable.Field]) {
        guard let last = target.last, last.kind == .message || last.kind == .group, !last.isRepeated else { return }
        encodeEmpty(target[...])
    }

    private mutating func encodeEmpty(_ target: ArraySlice<ProtobufFieldTable.Field>) {
        guard let field = target.first else { return }
        if field.kind == .group {
            out.tag(field.number, .startGroup)
            encodeEmpty(target.dropFirst())
            out.tag(field.number, .endGroup)
        } else {
            out.tag(field.number, .lengthDelimited)
            let mark = out.beginLength()
            encodeEmpty(target.dropFirst())
            out.endLength(mark)
        }
    }
}
