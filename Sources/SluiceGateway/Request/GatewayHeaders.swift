internal import NIOHTTP1

/// Request header fields in arrival order; names compare case-insensitively (RFC 9110 §5.1).
///
/// Wraps NIO's `HTTPHeaders` as they are, so the HTTP/1.1 listener hands a request's fields over without
/// copying them (a request may carry dozens; a route binds a few, if any).
public struct GatewayHeaders: Sendable, Hashable, Sequence {
    public typealias Element = (name: String, value: String)

    public struct Iterator: IteratorProtocol {
        var base: IndexingIterator<HTTPHeaders>

        public mutating func next() -> Element? { base.next() }
    }

    private(set) var storage: HTTPHeaders

    public init(_ fields: [Element] = []) {
        storage = HTTPHeaders(fields.map { ($0.name, $0.value) })
    }

    public init<S: Sequence>(_ fields: S) where S.Element == Element {
        storage = HTTPHeaders(fields.map { ($0.name, $0.value) })
    }

    init(http1 headers: HTTPHeaders) { storage = headers }

    /// Edits the fields in place (an edge plugin's rewrites).
    mutating func edit(_ body: (inout HTTPHeaders) -> Void) { body(&storage) }

    public func makeIterator() -> Iterator { Iterator(base: storage.makeIterator()) }

    public var count: Int { storage.count }

    /// The first value of `name`.
    public func first(_ name: String) -> String? { storage.first(name: name) }

    /// Every value of `name`, in order.
    public func values(_ name: String) -> [String] { storage[name] }

    /// Order matters, and names compare as sent: two requests are equal when they carried the same fields.
    public static func == (lhs: GatewayHeaders, rhs: GatewayHeaders) -> Bool {
        lhs.storage.elementsEqual(rhs.storage) { $0.name == $1.name && $0.value == $1.value }
    }

    public func hash(into hasher: inout Hasher) {
        for field in storage {
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
