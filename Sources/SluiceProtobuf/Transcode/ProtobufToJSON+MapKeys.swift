#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A map entry's key in the input: its bits for integer and bool keys, its bytes for string keys.
struct BinaryMapKey {
    let bits: UInt64
    let text: Range<Int>
}

/// A map key as a value, for the rare maps too long to compare key by key.
enum BinaryMapKeyValue: Hashable {
    case bits(UInt64)
    case bytes([UInt8])
}

extension ProtobufToJSON {
    /// The key of the entry in `bytes[entry]` (its last key field; the default when absent), its bits
    /// reduced to the key type's width; nil when the entry is malformed (the streaming pass reports that).
    func mapKey(_ entryIndex: Int32, _ bytes: UnsafeRawBufferPointer, _ entry: Range<Int>) -> BinaryMapKey? {
        let keyField = table.field(0, of: table.messages[Int(entryIndex)])
        var reader = ProtobufWireReader(bytes: bytes, range: entry)
        var key = BinaryMapKey(bits: 0, text: entry.lowerBound..<entry.lowerBound)
        while !reader.isAtEnd {
            guard let (number, wireType) = try? reader.tag() else { return nil }
            if number == 1 && wireType == keyField.kind.wireType {
                if wireType == .lengthDelimited {
                    guard let text = try? reader.lengthDelimited() else { return nil }
                    key = BinaryMapKey(bits: 0, text: text)
                } else {
                    guard let bits = try? reader.value(wireType) else { return nil }
                    key = BinaryMapKey(bits: Self.normalize(bits, keyField.kind), text: key.text)
                }
            } else {
                guard (try? reader.skip(wireType, number: number, depth: 1)) != nil else { return nil }
            }
        }
        return key
    }

    /// One value, one bit pattern: a 32-bit key written as a 5- or a 10-byte varint is the same key.
    private static func normalize(_ bits: UInt64, _ kind: ProtobufKind) -> UInt64 {
        switch kind {
        case .bool: bits == 0 ? 0 : 1
        case .int32, .uint32, .sint32, .fixed32, .sfixed32: bits & 0xFFFF_FFFF
        default: bits
        }
    }

    func keyValue(_ key: BinaryMapKey, _ bytes: UnsafeRawBufferPointer) -> BinaryMapKeyValue {
        key.text.isEmpty ? .bits(key.bits) : .bytes(Array(bytes[key.text]))
    }

    /// Records a key of the map run being checked; false if the run has it already. Short runs compare key
    /// by key in ``mapKeyScratch`` (no allocation past the first map); long ones use `many`.
    mutating func recordMapKey(
        _ key: BinaryMapKey, _ bytes: UnsafeRawBufferPointer, many: inout Set<BinaryMapKeyValue>?
    ) -> Bool {
        if many == nil {
            for existing in mapKeyScratch where existing.bits == key.bits && existing.text.count == key.text.count {
                guard let base = bytes.baseAddress, !key.text.isEmpty else { return false }
                if memcmp(base + existing.text.lowerBound, base + key.text.lowerBound, key.text.count) == 0 { return false }
            }
            if mapKeyScratch.count < 16 {
                mapKeyScratch.append(key)
                return true
            }
            many = Set(mapKeyScratch.map { keyValue($0, bytes) })
        }
        return many?.insert(keyValue(key, bytes)).inserted ?? true
    }
}
