/// Which fields of a method's success struct leave the JSON body for the HTTP response itself, per the
/// Kitex/Hertz mapping: `api.header` (a header; lists comma-joined), `api.cookie` (a `Set-Cookie`) and
/// `api.http_code` (the status). Built once per route; `nil` for routes without such fields.
public struct HTTPResponsePlan: Sendable, Hashable {
    public enum Target: Sendable, Hashable {
        case header(String)
        case cookie(String)
        case statusCode
    }

    public struct Field: Sendable, Hashable {
        public var id: Int16
        public var target: Target
    }

    public var fields: [Field]

    /// The plan for struct `success`; `nil` when none of its fields is annotated. Fields that cannot be
    /// written as text (structs, maps, lists of non-scalars) stay in the body.
    public init?(success: StructDescriptor) {
        var fields: [Field] = []
        for field in success.fields where field.type.acceptsText {
            let target: Target
            if let name = field.annotations["api.header"] {
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
