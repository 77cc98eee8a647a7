#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore
import SluiceJSON

/// Every struct's field ids, names and JSON keys in flat memory, built once per schema for the transcoder.
///
/// Per field the transcoder needs its wire id, its name as bytes (to match JSON keys without `String`
/// comparisons) and its key as JSON (`"name":`, escaped once here instead of per value written). Reading
/// those from ``FieldDescriptor`` copies strings and retains them per field; here they are plain bytes
/// and integers reached through pointers.
final class FieldLookupTable: @unchecked Sendable {
    // @unchecked: the memory below is written only in `init` and never after, then freed in `deinit`; it is
    // read-only while shared.
    /// What the JSON -> Thrift direction does when the field is absent from the JSON object.
    enum AbsentAction: UInt8 {
        case none
        /// Write the IDL default (not for unions, nor for `optional` fields: absence is what they allow).
        case writeDefault
        /// A required field without a default: an error.
        case missing
    }

    struct Entry {
        let id: Int16
        let absent: AbsentAction
        /// ``omitted`` and ``jsConv`` bits; always 0 in a table built without HTTP annotations.
        let flags: UInt8
        let nameStart: Int32
        let nameCount: Int32
        let keyStart: Int32
        let keyCount: Int32
    }

    /// Where struct `index`'s entries begin in ``entries``; struct `index` has ``StructRange/count`` of them.
    struct StructRange {
        let start: Int32
        let count: Int32
    }

    /// `api.none`: the field is neither read from JSON nor written to it.
    static let omitted: UInt8 = 1
    /// `api.js_conv`: integers are read from strings too and written as strings.
    static let jsConv: UInt8 = 2

    /// Some entry has flags; when not, the transcoder never looks at them.
    let hasFlags: Bool
    let structs: UnsafeMutableBufferPointer<StructRange>
    let entries: UnsafeMutableBufferPointer<Entry>
    let text: UnsafeMutableRawBufferPointer

    /// With `httpAnnotations`, a field's JSON key is its `api.body` value when it has one, and `api.none` and
    /// `api.js_conv` set its flags (the Kitex/Hertz HTTP mapping); without, keys are the IDL names.
    init(_ descriptors: [StructDescriptor], httpAnnotations: Bool = false) {
        var hasFlags = false
        var ranges: [StructRange] = []
        var entries: [Entry] = []
        var text: [UInt8] = []
        ranges.reserveCapacity(descriptors.count)
        for descriptor in descriptors {
            ranges.append(StructRange(start: Int32(entries.count), count: Int32(descriptor.fields.count)))
            for field in descriptor.fields {
                var name = field.name
                var flags: UInt8 = 0
                if httpAnnotations {
                    if let key = field.annotations["api.body"], !key.isEmpty { name = key }
                    if field.annotations["api.none"] != nil { flags |= Self.omitted }
                    if field.annotations["api.js_conv"] != nil { flags |= Self.jsConv }
                    hasFlags = hasFlags || flags != 0
                }
                let nameStart = text.count
                text.append(contentsOf: name.utf8)
                let keyStart = text.count
                var writer = JSONWriter(buffer: ByteBuffer())
                writer.key(name)
                text.append(contentsOf: writer.buffer.readableBytesView)
                let absent: AbsentAction
                if field.defaultValue != nil && descriptor.kind != .union && field.requiredness != .optional {
                    absent = .writeDefault
                } else if field.requiredness == .required {
                    absent = .missing
                } else {
                    absent = .none
                }
                entries.append(
                    Entry(
                        id: field.id, absent: absent, flags: flags, nameStart: Int32(nameStart), nameCount: Int32(keyStart - nameStart),
                        keyStart: Int32(keyStart), keyCount: Int32(text.count - keyStart)))
            }
        }
        self.hasFlags = hasFlags
        self.structs = .allocate(capacity: ranges.count)
        _ = self.structs.initialize(from: ranges)
        self.entries = .allocate(capacity: entries.count)
        _ = self.entries.initialize(from: entries)
        self.text = .allocate(byteCount: text.count, alignment: 1)
        text.withUnsafeBytes { self.text.copyMemory(from: $0) }
    }

    deinit {
        structs.deallocate()
        entries.deallocate()
        text.deallocate()
    }

    @inline(__always)
    func range(of id: StructID) -> StructRange { structs[id.index] }

    /// Entry `index` of the struct whose range is `range`.
    @inline(__always)
    func entry(_ index: Int, in range: StructRange) -> Entry { entries[Int(range.start) + index] }

    /// Whether a table built with HTTP annotations would differ from the plain one.
    static func annotationsMatter(_ descriptors: [StructDescriptor]) -> Bool {
        descriptors.contains { descriptor in
            descriptor.fields.contains { field in
                field.annotations["api.none"] != nil || field.annotations["api.js_conv"] != nil
                    || field.annotations["api.body"].map { !$0.isEmpty && $0 != field.name } == true
            }
        }
    }

    /// The field's key as JSON: `"name":`.
    @inline(__always)
    func key(_ entry: Entry) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: text[Int(entry.keyStart)..<Int(entry.keyStart + entry.keyCount)])
    }

    /// The index of the field with wire id `id`, trying `hint` first (fields usually arrive in order).
    @inline(__always)
    func index(ofID id: Int16, in range: StructRange, hint: Int) -> Int? {
        let count = Int(range.count)
        if hint < count && entry(hint, in: range).id == id { return hint }
        var index = 0
        while index < count {
            if entry(index, in: range).id == id { return index }
            index += 1
        }
        return nil
    }

    /// The index of the field named by the UTF-8 bytes `name`, trying `hint` first.
    @inline(__always)
    func index(ofName name: UnsafeRawBufferPointer, in range: StructRange, hint: Int) -> Int? {
        let count = Int(range.count)
        if hint < count && matches(name, entry(hint, in: range)) { return hint }
        var index = 0
        while index < count {
            if index != hint && matches(name, entry(index, in: range)) { return index }
            index += 1
        }
        return nil
    }

    @inline(__always)
    private func matches(_ name: UnsafeRawBufferPointer, _ entry: Entry) -> Bool {
        guard name.count == Int(entry.nameCount), let base = text.baseAddress, let other = name.baseAddress else {
            return name.count == Int(entry.nameCount)
        }
        let stored = UnsafeRawPointer(base + Int(entry.nameStart))
        let count = name.count
        // Two overlapping loads cover 4...16 bytes, the length of nearly every field name.
        if count >= 8 && count <= 16 {
            return stored.loadUnaligned(as: UInt64.self) == other.loadUnaligned(as: UInt64.self)
                && stored.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
                    == other.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
        }
        if count >= 4 && count < 8 {
            return stored.loadUnaligned(as: UInt32.self) == other.loadUnaligned(as: UInt32.self)
                && stored.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)
                    == other.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)
        }
        return memcmp(stored, other, count) == 0
    }
}
