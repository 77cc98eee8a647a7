extension ThriftSchema {
    /// How a type reads in error messages: `i32`, `list<string>`, `Item`.
    func displayName(of type: ThriftType) -> String {
        switch type {
        case .bool: "bool"
        case .i8: "i8"
        case .i16: "i16"
        case .i32: "i32"
        case .i64: "i64"
        case .double: "double"
        case .string: "string"
        case .binary: "binary (base64 string)"
        case .uuid: "uuid"
        case .list(let element): "list<\(displayName(of: element))>"
        case .set(let element): "set<\(displayName(of: element))>"
        case .map(let key, let value): "map<\(displayName(of: key)),\(displayName(of: value))>"
        case .structure(let id): self[id].name
        case .enumeration(let id): "enum \(self[id].name)"
        }
    }
}

extension ThriftType {
    /// Map keys that JSON writes as object keys; other key types use `[key, value]` pairs.
    var isObjectKeyable: Bool {
        switch self {
        case .string, .i8, .i16, .i32, .i64, .double, .enumeration: true
        default: false
        }
    }

    /// The range an integer type accepts.
    var integerRange: ClosedRange<Int64>? {
        switch self {
        case .i8: Int64(Int8.min)...Int64(Int8.max)
        case .i16: Int64(Int16.min)...Int64(Int16.max)
        case .i32, .enumeration: Int64(Int32.min)...Int64(Int32.max)
        case .i64: Int64.min...Int64.max
        default: nil
        }
    }
}
