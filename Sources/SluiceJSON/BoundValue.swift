/// One value bound from outside the JSON body (path segment, query parameter, header), as text.
public struct BoundValue: Sendable, Hashable {
    /// Field path from the arguments object, e.g. `["req", "name"]`.
    public var path: [String]
    /// Converted to the field's type: integers (range-checked), `double`, bools (`true`/`false`/`1`/`0`),
    /// strings, binary as base64, enums by name or number, uuids.
    public var text: String
    /// Names the origin in errors, e.g. "path parameter 'name'".
    public var source: String
    /// A query parameter the route does not declare, named by its key (grpc-gateway's "fields not bound by
    /// the path or the body come from the query"): a name the message does not have is ignored rather than
    /// an error (unless the codec is strict), and one that overlaps the body or a declared binding is a
    /// collision.
    public var isQueryParameter: Bool

    public init(path: [String], text: String, source: String, isQueryParameter: Bool = false) {
        self.path = path
        self.text = text
        self.source = source
        self.isQueryParameter = isQueryParameter
    }
}
