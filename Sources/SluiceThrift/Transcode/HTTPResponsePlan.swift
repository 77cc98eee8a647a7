/// Which fields of a method's success struct leave the JSON body for the HTTP response itself, per the
/// Kitex/Hertz mapping: `api.header` (a header; lists comma-joined), `api.cookie` (a `Set-Cookie`),
/// `api.http_code` (the status) and `api.raw_body` (the whole body, as dynamicgo writes it: with one, the
/// other body members are not sent). Built once per route; `nil` for routes without such fields.
public struct HTTPResponsePlan: Sendable, Hashable {
    public enum Target: Sendable, Hashable {
        case header(String)
        case cookie(String)
        case statusCode
        /// The field's bytes are the response body (written by the decoder, not returned as text).
        case rawBody
    }

    public struct Field: Sendable, Hashable {
        public var id: Int16
        public var target: Target
    }

    public var fields: [Field]
    /// The `api.raw_body` field is `binary` (`true`) or `string` (`false`); `nil` when the body is JSON.
    public var rawBodyIsBinary: Bool?

    /// The plan for struct `success`; `nil` when none of its fields is annotated. Fields that cannot be
    /// written as text (structs, maps, lists of non-scalars) stay in the body.
    public init?(success: StructDescriptor) {
        var fields: [Field] = []
        var rawBodyIsBinary: Bool?
        for field in success.fields where field.type.acceptsText {
            let target: Target
            // One raw body: route validation reports a second one, and a field that is not string or binary.
            if field.annotations["api.raw_body"] != nil, field.type == .string || field.type == .binary, rawBodyIsBinary == nil {
                target = .rawBody
                rawBodyIsBinary = field.type == .binary
            } else if let name = field.annotations["api.header"] {
                target = .header(name.isEmpty ? field.name : name)
            } else if let name = field.annotations["api.cookie"] {
                target = .cookie(name.isEmpty ? field.name : name)
            } else if field.annotations["api.http_code"] != nil, field.type.integerRange != nil {
                target = .statusCode
            } else {
                continue
            }
            fields.append(Field(id: field.id, target: target))
        }
        guard !fields.isEmpty else { return nil }
        self.fields = fields
        self.rawBodyIsBinary = rawBodyIsBinary
    }

    @inline(__always)
    func target(ofField id: Int16) -> Target? {
        for field in fields where field.id == id { return field.target }
        return nil
    }
}

/// One value a ``HTTPResponsePlan`` took out of a reply, as text.
public struct HTTPResponseValue: Sendable, Hashable {
    public var target: HTTPResponsePlan.Target
    public var text: String

    public init(target: HTTPResponsePlan.Target, text: String) {
        self.target = target
        self.text = text
    }
}
