extension ProtobufToJSON {
    /// Whether every known field of the message occurs in one run, a singular field once, at most one member
    /// of each oneof, and no map key twice: then it streams to JSON as it is. Malformed bytes count as well
    /// ordered, so that the streaming pass reports them with the field they are in.
    mutating func isWellOrdered(
        _ message: ProtobufFieldTable.Message, _ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, depth: Int
    ) -> Bool {
        var reader = ProtobufWireReader(bytes: bytes, range: range)
        var seen = ProtobufFieldSet()
        var oneofs = ProtobufFieldSet()
        var last = -1
        var hint = 0
        var manyKeys: Set<BinaryMapKeyValue>? = nil
        while !reader.isAtEnd {
            guard let (number, wireType) = try? reader.tag() else { return true }
            if let index = table.index(ofNumber: number, in: message, hint: hint) {
                hint = index
                let field = table.field(index, of: message)
                if index != last {
                    if seen.contains(index) { return false }
                    seen.insert(index)
                    if field.oneof >= 0 {
                        if oneofs.contains(Int(field.oneof)) { return false }
                        oneofs.insert(Int(field.oneof))
                    }
                    last = index
                    mapKeyScratch.removeAll(keepingCapacity: true)
                    manyKeys = nil
                } else if !field.isRepeated {
                    return false
                }
                if field.isMap && wireType == .lengthDelimited {
                    guard let entry = try? reader.lengthDelimited() else { return true }
                    if let key = mapKey(field.target, bytes, entry), !recordMapKey(key, bytes, many: &manyKeys) {
                        return false
                    }
                    continue
                }
            }
            guard (try? reader.skip(wireType, number: number, depth: depth)) != nil else { return true }
        }
        return true
    }

    /// The message as a serializer would write it from the object a reader builds: known fields in number
    /// order, each repeated field's occurrences together, the last occurrence of a singular scalar, the
    /// occurrences of a singular message merged (concatenated, which is protobuf's merge), only the last-set
    /// member of a oneof; unknown fields dropped (JSON shows none). Only for messages that need it.
    func canonicalize(
        _ message: ProtobufFieldTable.Message, _ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, depth: Int
    ) throws(ProtobufTranscodeError) -> [UInt8] {
        struct Occurrence {
            let field: Int
            let start: Int
            let body: Range<Int>
            let end: Int
        }
        var occurrences: [Occurrence] = []
        var lastOfOneof = [Int](repeating: -1, count: Int(message.oneofCount))
        var reader = ProtobufWireReader(bytes: bytes, range: range)
        while !reader.isAtEnd {
            let start = reader.offset
            let (number, wireType) = try reader.tag()
            guard let index = table.index(ofNumber: number, in: message, hint: 0) else {
                try reader.skip(wireType, number: number, depth: depth)
                continue
            }
            let field = table.field(index, of: message)
            let expected = field.kind.wireType
            let packed = field.isRepeated && wireType == .lengthDelimited && expected != .lengthDelimited && expected != .startGroup
            guard wireType == expected || packed else {
                try reader.skip(wireType, number: number, depth: depth)
                continue
            }
            let body: Range<Int>
            switch wireType {
            case .lengthDelimited: body = try reader.lengthDelimited()
            case .startGroup: body = try reader.group(number, depth: depth)
            default:
                let valueStart = reader.offset
                _ = try reader.value(wireType)
                body = valueStart..<reader.offset
            }
            if field.oneof >= 0 { lastOfOneof[Int(field.oneof)] = index }
            occurrences.append(Occurrence(field: index, start: start, body: body, end: reader.offset))
        }
        occurrences.sort { ($0.field, $0.start) < ($1.field, $1.start) }
        var output: [UInt8] = []
        output.reserveCapacity(range.count)
        var first = 0
        while first < occurrences.count {
            var end = first
            while end < occurrences.count && occurrences[end].field == occurrences[first].field { end += 1 }
            defer { first = end }
            let index = occurrences[first].field
            let field = table.field(index, of: message)
            if field.oneof >= 0 && lastOfOneof[Int(field.oneof)] != index { continue }
            if field.isMap {
                // A key given twice: the last entry with it wins.
                var keys = Set<BinaryMapKeyValue>()
                var kept: [Occurrence] = []
                for occurrence in occurrences[first..<end].reversed() {
                    if let key = mapKey(field.target, bytes, occurrence.body), !keys.insert(keyValue(key, bytes)).inserted {
                        continue
                    }
                    kept.append(occurrence)
                }
                for occurrence in kept.reversed() { output.append(contentsOf: bytes[occurrence.start..<occurrence.end]) }
            } else if field.isRepeated {
                for occurrence in occurrences[first..<end] { output.append(contentsOf: bytes[occurrence.start..<occurrence.end]) }
            } else if field.kind == .message || field.kind == .group {
                let isGroup = field.kind == .group
                appendVarint(UInt64(UInt32(bitPattern: field.number) << 3) | (isGroup ? 3 : 2), to: &output)
                if !isGroup {
                    appendVarint(UInt64(occurrences[first..<end].reduce(0) { $0 + $1.body.count }), to: &output)
                }
                for occurrence in occurrences[first..<end] { output.append(contentsOf: bytes[occurrence.body]) }
                if isGroup { appendVarint(UInt64(UInt32(bitPattern: field.number) << 3) | 4, to: &output) }
            } else {
                let last = occurrences[end - 1]
                output.append(contentsOf: bytes[last.start..<last.end])
            }
        }
        return output
    }

    /// Runs `body` on the canonical form of the message (see ``canonicalize``).
    mutating func withCanonical(
        _ message: ProtobufFieldTable.Message, _ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, depth: Int,
        _ body: (inout ProtobufToJSON, UnsafeRawBufferPointer) throws(ProtobufTranscodeError) -> Void
    ) throws(ProtobufTranscodeError) {
        let rewritten = try canonicalize(message, bytes, range, depth: depth)
        guard rewritten.count <= rewriteBudget else {
            throw ProtobufTranscodeError(
                .tooDeep, offset: range.lowerBound, "out-of-order fields nest too deeply to be rewritten")
        }
        rewriteBudget -= rewritten.count
        // Array.withUnsafeBytes would lose the typed error: a copy it is, on this rare path.
        let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: max(rewritten.count, 1), alignment: 1)
        defer {
            copy.deallocate()
            rewriteBudget += rewritten.count
        }
        copy.copyBytes(from: rewritten)
        do throws(ProtobufTranscodeError) {
            try body(&self, UnsafeRawBufferPointer(rebasing: copy[0..<rewritten.count]))
        } catch {
            var error = error
            error.offset = nil  // an offset into the copy would point nowhere in the input
            throw error
        }
    }

    private func appendVarint(_ value: UInt64, to output: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            output.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        output.append(UInt8(value))
    }
}
