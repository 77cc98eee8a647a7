import NIOCore
import SluiceJSON

extension JSONToThrift {
    /// A set: an array whose elements must differ once converted. A repeat is a 400 rather than left to the
    /// backend, whose language may keep either copy or fail.
    mutating func encodeSet(_ element: ThriftType) throws(TranscodeError) {
        try expect(.array, for: .set(element))
        try encodeElements(of: element, unique: true) { encoder throws(TranscodeError) in try encoder.encodeElement(element) }
    }

    /// The JSON array at the cursor as a Thrift list or set of `element`, each written by `encodeOne`; with
    /// `unique`, an element equal to an earlier one once encoded is a 400.
    @inline(__always)
    mutating func encodeElements(
        of element: ThriftType, unique: Bool, _ encodeOne: (inout JSONToThrift) throws(TranscodeError) -> Void
    ) throws(TranscodeError) {
        var cursor = try beginArray()
        let mark = writer.beginList(element.wireType)
        var count = 0
        var seen = EncodedDuplicates()
        while try nextElement(&cursor) {
            let origin = scanner.offset
            do throws(TranscodeError) {
                let start = outputIndex()
                try encodeOne(&self)
                if unique, let earlier = recordEncoded(from: start, origin: origin, in: &seen) {
                    throw duplicateElement(at: origin, earlier: earlier)
                }
            } catch {
                throw error.under(index: count)
            }
            count += 1
        }
        writer.endList(mark, count: count)
    }

    func duplicateElement(at origin: Int, earlier: Int) -> TranscodeError {
        TranscodeError(.invalidValue, offset: origin, "duplicate set element (equal to the element at byte \(earlier))")
    }

    /// Rejects a map key that converts to the same key as an earlier one (`"1"` and `"01"` for i32 keys);
    /// the key was encoded from `start` on.
    mutating func checkNewKey(
        from start: Int, origin: Int, _ type: ThriftType, _ seen: inout EncodedDuplicates
    ) throws(TranscodeError) {
        if let earlier = recordEncoded(from: start, origin: origin, in: &seen) {
            throw TranscodeError(
                .invalidValue, offset: origin,
                "duplicate map key (the same \(schema.displayName(of: type)) as the key at byte \(earlier))")
        }
    }

    /// Where the next encoded byte goes.
    @inline(__always)
    mutating func outputIndex() -> Int {
        writer.withBuffer { $0.writerIndex }
    }

    /// Records what was encoded since `start` as one element or key; the origin of an earlier equal one.
    mutating func recordEncoded(from start: Int, origin: Int, in seen: inout EncodedDuplicates) -> Int? {
        writer.withBuffer { buffer in
            let base = buffer.readerIndex
            let range = (start - base)..<(buffer.writerIndex - base)
            return buffer.withUnsafeReadableBytes { seen.insert(range, origin: origin, in: $0) }
        }
    }
}
