#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore
import SluiceJSON

/// Every message's fields, every enum's values and every name, in flat memory, built once per schema for
/// the transcoder (as SluiceThrift's `FieldLookupTable`): per value it reads plain integers and byte ranges
/// through pointers, never a `String`, an array of structs holding strings, or a dictionary.
final class ProtobufFieldTable: @unchecked Sendable {
    // @unchecked: the memory below is written only in `init`, freed in `deinit`, and read-only while shared.

    /// A run of bytes in ``text``.
    struct TextRange {
        let start: Int32
        let count: Int32
    }

    struct Message {
        let fieldStart: Int32
        let fieldCount: Int32
        let oneofCount: Int32
        /// ``ProtobufWellKnownType`` raw value, 0 for none.
        let wellKnown: UInt8
        let isMapEntry: Bool
        let hasRequired: Bool
    }

    struct Field {
        let number: Int32
        let kind: ProtobufKind
        let flags: UInt8
        /// The real oneof's index, -1 for none.
        let oneof: Int16
        /// The message or enum index for those kinds, -1 otherwise.
        let target: Int32
        let protoName: TextRange
        let jsonName: TextRange
        /// `"name":` as JSON, escaped.
        let protoKey: TextRange
        let jsonKey: TextRange

        @inline(__always) var isRepeated: Bool { flags & Field.repeated != 0 }
        @inline(__always) var isPacked: Bool { flags & Field.packed != 0 }
        @inline(__always) var hasPresence: Bool { flags & Field.presence != 0 }
        @inline(__always) var isRequired: Bool { flags & Field.required != 0 }
        @inline(__always) var isMap: Bool { flags & Field.map != 0 }

        static let repeated: UInt8 = 1
        static let packed: UInt8 = 2
        static let presence: UInt8 = 4
        static let required: UInt8 = 8
        static let map: UInt8 = 16
    }

    struct Enum {
        let valueStart: Int32
        let valueCount: Int32
        let isClosed: Bool
    }

    struct EnumValue {
        let number: Int32
        let name: TextRange
        /// The name as a JSON string, quoted.
        let quoted: TextRange
    }

    let messages: UnsafeMutableBufferPointer<Message>
    let fields: UnsafeMutableBufferPointer<Field>
    let enums: UnsafeMutableBufferPointer<Enum>
    let enumValues: UnsafeMutableBufferPointer<EnumValue>
    /// Message full names sorted by their bytes, for `Any`'s `@type`: (name, message index).
    let messageNames: UnsafeMutableBufferPointer<(TextRange, Int32)>
    let text: UnsafeMutableRawBufferPointer
    let nullValueEnum: Int32

    init(messages: [ProtobufMessage], enums: [ProtobufEnum], nullValueEnum: ProtobufEnumID?) {
        var text: [UInt8] = []
        func store(_ string: String) -> TextRange {
            let start = text.count
            text.append(contentsOf: string.utf8)
            return TextRange(start: Int32(start), count: Int32(text.count - start))
        }
        func storeKey(_ name: String) -> TextRange {
            var writer = JSONWriter(buffer: ByteBuffer())
            writer.key(name)
            let start = text.count
            text.append(contentsOf: writer.buffer.readableBytesView)
            return TextRange(start: Int32(start), count: Int32(text.count - start))
        }
        var messageRows: [Message] = []
        var fieldRows: [Field] = []
        for message in messages {
            messageRows.append(Message(
                fieldStart: Int32(fieldRows.count), fieldCount: Int32(message.fields.count),
                oneofCount: Int32(message.oneofs.count), wellKnown: message.wellKnown?.rawValue ?? 0,
                isMapEntry: message.isMapEntry, hasRequired: message.fields.contains { $0.label == .required }))
            for field in message.fields {
                var flags: UInt8 = 0
                if field.label == .repeated { flags |= Field.repeated }
                if field.label == .required { flags |= Field.required }
                if field.isPacked { flags |= Field.packed }
                if field.hasPresence { flags |= Field.presence }
                if field.isMap { flags |= Field.map }
                let (kind, target) = ProtobufKind.of(field.type)
                fieldRows.append(Field(
                    number: field.number, kind: kind, flags: flags, oneof: Int16(field.oneofIndex ?? -1),
                    target: target, protoName: store(field.name), jsonName: store(field.jsonName),
                    protoKey: storeKey(field.name), jsonKey: storeKey(field.jsonName)))
            }
        }
        var enumRows: [Enum] = []
        var valueRows: [EnumValue] = []
        for enumeration in enums {
            enumRows.append(Enum(valueStart: Int32(valueRows.count), valueCount: Int32(enumeration.values.count),
                                 isClosed: enumeration.isClosed))
            for value in enumeration.values {
                var writer = JSONWriter(buffer: ByteBuffer())
                writer.string(value.name)
                let quotedStart = text.count
                text.append(contentsOf: writer.buffer.readableBytesView)
                valueRows.append(EnumValue(
                    number: value.number, name: store(value.name),
                    quoted: TextRange(start: Int32(quotedStart), count: Int32(writer.buffer.readableBytes))))
            }
        }
        var names = messages.indices.map { (store(messages[$0].fullName), Int32($0)) }
        let sortedText = text
        names.sort { a, b in
            sortedText[Int(a.0.start)..<Int(a.0.start + a.0.count)]
                .lexicographicallyPrecedes(sortedText[Int(b.0.start)..<Int(b.0.start + b.0.count)])
        }
        self.messages = .allocate(capacity: messageRows.count)
        _ = self.messages.initialize(from: messageRows)
        self.fields = .allocate(capacity: fieldRows.count)
        _ = self.fields.initialize(from: fieldRows)
        self.enums = .allocate(capacity: enumRows.count)
        _ = self.enums.initialize(from: enumRows)
        self.enumValues = .allocate(capacity: valueRows.count)
        _ = self.enumValues.initialize(from: valueRows)
        self.messageNames = .allocate(capacity: names.count)
        _ = self.messageNames.initialize(from: names)
        let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: max(text.count, 1), alignment: 1)
        text.withUnsafeBytes { storage.copyMemory(from: $0) }
        self.text = storage
        self.nullValueEnum = Int32(nullValueEnum?.index ?? -1)
    }

    deinit {
        messages.deallocate()
        fields.deallocate()
        enums.deallocate()
        enumValues.deallocate()
        messageNames.deallocate()
        text.deallocate()
    }

    @inline(__always)
    func bytes(_ range: TextRange) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: text[Int(range.start)..<Int(range.start + range.count)])
    }

    @inline(__always)
    func field(_ index: Int, of message: Message) -> Field { fields[Int(message.fieldStart) + index] }

    /// The index (within `message`) of the field numbered `number`; fields are sorted by number.
    @inline(__always)
    func index(ofNumber number: Int32, in message: Message, hint: Int) -> Int? {
        let count = Int(message.fieldCount)
        if hint < count && field(hint, of: message).number == number { return hint }
        var low = 0
        var high = count
        while low < high {
            let middle = (low + high) / 2
            let found = field(middle, of: message).number
            if found == number { return middle }
            if found < number { low = middle + 1 } else { high = middle }
        }
        return nil
    }

    /// The index of the field whose JSON name or proto name is `name`, trying `hint` first.
    @inline(__always)
    func index(ofName name: UnsafeRawBufferPointer, in message: Message, hint: Int) -> Int? {
        let count = Int(message.fieldCount)
        if hint < count && nameMatches(name, field(hint, of: message)) { return hint }
        var index = 0
        while index < count {
            if index != hint && nameMatches(name, field(index, of: message)) { return index }
            index += 1
        }
        return nil
    }

    @inline(__always)
    private func nameMatches(_ name: UnsafeRawBufferPointer, _ field: Field) -> Bool {
        equal(name, field.jsonName) || equal(name, field.protoName)
    }

    @inline(__always)
    func equal(_ bytes: UnsafeRawBufferPointer, _ range: TextRange) -> Bool {
        guard bytes.count == Int(range.count) else { return false }
        guard let other = bytes.baseAddress, let base = text.baseAddress else { return true }
        return memcmp(base + Int(range.start), other, bytes.count) == 0
    }

    /// The number of the value named `name` in enum `index`.
    func enumNumber(named name: UnsafeRawBufferPointer, in index: Int32) -> Int32? {
        let enumeration = enums[Int(index)]
        for value in enumValues[Int(enumeration.valueStart)..<Int(enumeration.valueStart + enumeration.valueCount)]
        where equal(name, value.name) {
            return value.number
        }
        return nil
    }

    /// The first value numbered `number` in enum `index` (aliases print as the first name).
    func enumValue(numbered number: Int32, in index: Int32) -> EnumValue? {
        let enumeration = enums[Int(index)]
        for value in enumValues[Int(enumeration.valueStart)..<Int(enumeration.valueStart + enumeration.valueCount)]
        where value.number == number {
            return value
        }
        return nil
    }

    /// The message whose full name is `name`.
    func message(named name: UnsafeRawBufferPointer) -> ProtobufMessageID? {
        var low = 0
        var high = messageNames.count
        while low < high {
            let middle = (low + high) / 2
            let (range, index) = messageNames[middle]
            let stored = bytes(range)
            if stored.elementsEqual(name) { return ProtobufMessageID(index: Int(index)) }
            if stored.lexicographicallyPrecedes(name) { low = middle + 1 } else { high = middle }
        }
        return nil
    }
}
