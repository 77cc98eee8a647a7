#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import SluiceJSON

/// The keys of the JSON objects being read as maps (and `Struct`s), to reject a key given twice, in two
/// spellings too (`"1"` and `"01"`, `"a"` and `"\u0061"`), as protobuf's JSON parsers do.
///
/// One stack serves every map of a request, nested ones included: a map pushes its keys and pops them at its
/// end, so past the first map nothing is allocated. Up to `linearLimit` keys are compared one by one; a
/// larger map gets a set of its keys as text, whose hashing is seeded per process, so crafted keys cannot
/// make every insertion collide.
struct ProtobufMapKeys {
    enum Key {
        /// An integer or bool key, as its wire bits (one value, one bit pattern).
        case bits(UInt64)
        case text(JSONStringToken)
    }

    private var stack: [Key] = []
    private static let linearLimit = 16

    /// Where the next map's keys begin; give it back to ``pop(to:)`` when the map ends.
    var mark: Int { stack.count }

    mutating func pop(to mark: Int) {
        stack.removeSubrange(mark...)
    }

    /// Records `key` for the map whose keys begin at `mark`; false if the map has it already.
    mutating func insert(_ key: Key, mark: Int, large: inout Set<String>?, in scanner: JSONScanner) -> Bool {
        if large == nil {
            for index in mark..<stack.count where Self.same(stack[index], key, scanner) { return false }
            if stack.count - mark < Self.linearLimit {
                stack.append(key)
                return true
            }
            large = Set(stack[mark...].map { Self.text($0, scanner) })
        }
        return large?.insert(Self.text(key, scanner)).inserted ?? true
    }

    private static func text(_ key: Key, _ scanner: JSONScanner) -> String {
        switch key {
        case .bits(let bits): String(bits)
        case .text(let token): scanner.decodedString(token)
        }
    }

    private static func same(_ a: Key, _ b: Key, _ scanner: JSONScanner) -> Bool {
        switch (a, b) {
        case (.bits(let x), .bits(let y)):
            return x == y
        case (.text(let x), .text(let y)):
            guard x.decodedCount == y.decodedCount else { return false }
            if !x.hasEscapes && !y.hasEscapes {
                let first = scanner.rawBytes(of: x)
                let second = scanner.rawBytes(of: y)
                guard let p = first.baseAddress, let q = second.baseAddress else { return true }
                return memcmp(p, q, first.count) == 0
            }
            return scanner.decodedString(x) == scanner.decodedString(y)
        default:
            return false
        }
    }
}
