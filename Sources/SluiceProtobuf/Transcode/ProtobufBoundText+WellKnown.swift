import NIOCore
import SluiceJSON

extension ProtobufBoundText {
    /// The fields of a well-known type from its text form, every one written (see ``ProtobufBoundText``).
    static func writeWellKnown(
        _ text: String, _ type: ProtobufWellKnownType, _ message: ProtobufFieldTable.Message,
        table: ProtobufFieldTable, schema: ProtobufSchema, into out: inout ProtobufWireWriter
    ) throws(ProtobufTranscodeError) {
        var copy = text
        switch type {
        case .timestamp, .duration:
            let parsed = copy.withUTF8 { utf8 in
                type == .timestamp
                    ? TimeText.parseTimestamp(UnsafeRawBufferPointer(utf8))
                    : TimeText.parseDuration(UnsafeRawBufferPointer(utf8))
            }
            guard let (seconds, nanos) = parsed else {
                throw invalid(
                    text,
                    type == .timestamp
                        ? "an RFC 3339 timestamp between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999999999Z"
                        : "a duration such as \"1.5s\" within ±315576000000s")
            }
            out.tag(1, .varint)
            out.varint(UInt64(bitPattern: seconds))
            out.tag(2, .varint)
            out.varint(UInt64(bitPattern: Int64(nanos)))
        case .fieldMask:
            writeFieldMask(text, into: &out)
        default:
            // A wrapper: the scalar is its field 1.
            try write(text, as: table.field(0, of: message), table: table, schema: schema, into: &out)
        }
    }

    /// `"a.b,c"` as `paths: ["a.b", "c"]`. grpc-gateway takes each path as written (`.proto` names); a
    /// lowerCamel path, as the JSON form spells it, is turned into the `.proto` name too (`fooBar` →
    /// `foo_bar`), so both spellings reach the backend as the names it matches. Empty text is no paths.
    private static func writeFieldMask(_ text: String, into out: inout ProtobufWireWriter) {
        guard !text.isEmpty else { return }
        for path in text.split(separator: ",", omittingEmptySubsequences: false) {
            var name: [UInt8] = []
            name.reserveCapacity(path.utf8.count + 4)
            for byte in path.utf8 {
                if byte &- UInt8(ascii: "A") < 26 {
                    name.append(UInt8(ascii: "_"))
                    name.append(byte | 0x20)
                } else {
                    name.append(byte)
                }
            }
            out.tag(1, .lengthDelimited)
            out.varint(UInt64(name.count))
            out.buffer.writeBytes(name)
        }
    }
}
