import NIOCore
import SluiceJSON

extension JSONToThrift {
    /// Writes bound text values as `type`: a list or set gets one element per value, anything else the first.
    mutating func writeBound(_ indices: [Int], as type: ThriftType) throws(TranscodeError) {
        switch type {
        case .list(let element), .set(let element):
            writer.writeListBegin(element.wireType, count: indices.count)
            var isSet = false
            if case .set = type { isSet = true }
            var seen = EncodedDuplicates()
            for (position, index) in indices.enumerated() {
                do throws(TranscodeError) {
                    let start = isSet ? outputIndex() : 0
                    try writeText(bound[index], as: element)
                    if isSet, let earlier = recordEncoded(from: start, origin: position, in: &seen) {
                        throw TranscodeError(
                            .invalidValue, "\(bound[index].source): duplicate set element (equal to element \(earlier))")
                    }
                } catch {
                    throw error.under(index: position)
                }
            }
        default:
            try writeText(bound[indices[0]], as: type)
        }
    }

    private mutating func writeText(_ value: BoundValue, as type: ThriftType) throws(TranscodeError) {
        let text = value.text
        func invalid(_ what: String) -> TranscodeError {
            TranscodeError(.invalidValue, "\(value.source): expected \(what) but found \"\(text)\"")
        }
        switch type {
        case .bool:
            switch text {
            case "true", "1": writer.writeBool(true)
            case "false", "0": writer.writeBool(false)
            default: throw invalid("true, false, 1 or 0")
            }
        case .i8, .i16, .i32, .i64:
            let parsed = IntegerText.parse(text)
            if case .invalid = parsed { throw invalid(schema.displayName(of: type)) }
            do throws(TranscodeError) {
                writeInteger(try checkInteger(parsed, type, offset: nil), as: type)
            } catch {
                throw TranscodeError(error.kind, "\(value.source): \(error.message)")
            }
        case .double:
            let parsed: Double?
            do throws(TranscodeError) {
                parsed = try parseDouble(text, offset: nil)
            } catch {
                throw TranscodeError(error.kind, "\(value.source): \(error.message)")
            }
            guard let number = parsed else { throw invalid("a double") }
            writer.writeDouble(number)
        case .string:
            writer.writeString(text)
        case .binary:
            var copy = text
            let ok = copy.withUTF8 { utf8 -> Bool in
                let raw = UnsafeRawBufferPointer(utf8)
                guard let count = Base64.decodedCount(raw) else { return false }
                writer.writeBinaryLength(count)
                return writer.withBuffer { Base64.decode(raw, into: &$0) }
            }
            if !ok { throw invalid("base64") }
        case .uuid:
            var copy = text
            let ok = copy.withUTF8 { utf8 -> Bool in
                withUnsafeTemporaryAllocation(byteCount: 16, alignment: 1) { raw in
                    guard UUIDText.parse(UnsafeRawBufferPointer(utf8), into: raw) else { return false }
                    writer.writeUUID(UnsafeRawBufferPointer(raw))
                    return true
                }
            }
            if !ok { throw invalid("a UUID") }
        case .enumeration(let id):
            var copy = text
            let number = copy.withUTF8 { utf8 -> Int32? in
                try? enumValue(text: UnsafeRawBufferPointer(utf8), id, offset: nil)
            }
            guard let number else { throw invalid("a name or number of enum \(schema[id].name)") }
            writer.writeI32(number)
        case .list, .set, .map, .structure:
            throw TranscodeError(.invalidValue, "\(value.source): \(schema.displayName(of: type)) cannot be bound from text")
        }
    }
}
