import SluiceJSON

extension ProtobufToJSON {
    /// An `Any` of type `url` holding `value`, as `{"@type": url, ...fields}` (or `"value"` for a well-known
    /// type); false, with whatever was written to be discarded, when the type is unknown or `value` does not
    /// read as it. (``writeWellKnown`` for `Any` fails the whole message instead: right for a response, too
    /// harsh for a status's details, which are extra information.)
    mutating func writeAnyIfKnown(url: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer, depth: Int) -> Bool {
        var nameStart = 0
        for index in url.indices where url[index] == UInt8(ascii: "/") { nameStart = index + 1 }
        guard let inner = table.message(named: UnsafeRawBufferPointer(rebasing: url[nameStart...])) else {
            return false
        }
        json.beginObject()
        json.key("@type")
        guard json.string(utf8: url) else { return false }
        do throws(ProtobufTranscodeError) {
            let wellKnown = table.messages[inner.index].wellKnown
            if wellKnown != 0, let type = ProtobufWellKnownType(rawValue: wellKnown) {
                json.key("value")
                try writeWellKnown(type, Int32(inner.index), value, 0..<value.count, depth: depth - 1)
            } else {
                try writeMembers(Int32(inner.index), value, 0..<value.count, depth: depth - 1)
            }
        } catch {
            return false
        }
        json.endObject()
        return true
    }
}
