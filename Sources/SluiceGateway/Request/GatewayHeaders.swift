/// Request header fields in arrival order; names compare case-insensitively (RFC 9110 §5.1).
public struct GatewayHeaders: Sendable, Hashable, Sequence {
    public typealias Element = (name: String, value: String)

    @usableFromInline var fields: [Element]

    public init(_ fields: [Element] = []) { self.fields = fields }

    public init<S: Sequence>(_ fields: S) where S.Element == Element { self.fields = Array(fields) }

    public func makeIterator() -> IndexingIterator<[Element]> { fields.makeIterator() }

    public var count: Int { fields.count }

    /// The first value of `name`.
    public func first(_ name: String) -> String? {
        fields.first { Self.sameName($0.name, name) }?.value
    }

    /// Every value of `name`, in order.
    public func values(_ name: String) -> [String] {
        fields.filter { Self.sameName($0.name, name) }.map(\.value)
    }

    public static func == (lhs: GatewayHeaders, rhs: GatewayHeaders) -> Bool {
        lhs.fields.elementsEqual(rhs.fields) { $0.name == $1.name && $0.value == $1.value }
    }

    public func hash(into hasher: inout Hasher) {
        for field in fields {
            hasher.combine(field.name)
            hasher.combine(field.value)
        }
    }

    /// ASCII case-insensitive comparison without lowercasing copies.
    static func sameName(_ lhs: String, _ rhs: String) -> Bool {
        lhs.utf8.count == rhs.utf8.count
            && zip(lhs.utf8, rhs.utf8).allSatisfy { asciiLower($0) == asciiLower($1) }
    }

    @inline(__always)
    static func asciiLower(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
    }
}
