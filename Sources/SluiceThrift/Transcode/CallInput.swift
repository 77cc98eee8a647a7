import NIOCore

/// One value bound from outside the JSON body (path segment, query parameter, header), as text.
public struct BoundValue: Sendable, Hashable {
    /// Field path from the arguments object, e.g. `["req", "name"]`.
    public var path: [String]
    /// Converted to the field's type: integers (range-checked), `double`, bools (`true`/`false`/`1`/`0`),
    /// strings, binary as base64, enums by name or number, uuids.
    public var text: String
    /// Names the origin in errors, e.g. "path parameter 'name'".
    public var source: String

    public init(path: [String], text: String, source: String) {
        self.path = path
        self.text = text
        self.source = source
    }
}

/// What fills a method's arguments.
public struct CallInput: Sendable {
    /// JSON bytes; nil or empty means no body.
    public var body: ByteBuffer?
    /// The field path the body fills; `[]` is the arguments object itself (a route's `body: "*"`).
    public var bodyTarget: [String]
    /// Bound values win over body values for the same field. When several share a path, a list or set field
    /// gets one element per value; any other field takes the first.
    public var bound: [BoundValue]

    public init(body: ByteBuffer?, bodyTarget: [String] = [], bound: [BoundValue] = []) {
        self.body = body
        self.bodyTarget = bodyTarget
        self.bound = bound
    }
}
