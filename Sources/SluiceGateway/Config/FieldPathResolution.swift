internal import SluiceThrift

/// Resolves route field paths (`req.name`) against a method's `_args` struct.
enum FieldPathResolution {
    /// The type at `path`, or a sentence saying which step failed.
    static func resolve(_ path: [String], arguments: StructID, schema: ThriftSchema) -> Result<ThriftType, FieldPathProblem> {
        var structure = schema[arguments]
        var type = ThriftType.structure(arguments)
        for (depth, name) in path.enumerated() {
            guard let index = structure.fieldIndex(named: name) else {
                let owner = depth == 0 ? "the arguments have" : "'\(path[..<depth].joined(separator: "."))' has"
                let names = structure.fields.map(\.name).joined(separator: ", ")
                return .failure(FieldPathProblem(message: "\(owner) no field '\(name)' (fields: \(names.isEmpty ? "none" : names))"))
            }
            type = structure.fields[index].type
            if depth < path.count - 1 {
                guard case .structure(let id) = type else {
                    return .failure(FieldPathProblem(message: "'\(path[...depth].joined(separator: "."))' is \(describe(type, schema)), not a struct"))
                }
                structure = schema[id]
            }
        }
        return .success(type)
    }

    /// Values from paths, queries, headers and cookies are text: they fit scalars and lists of scalars.
    static func acceptsText(_ type: ThriftType) -> Bool {
        switch type {
        case .bool, .i8, .i16, .i32, .i64, .double, .string, .binary, .uuid, .enumeration: true
        case .list(let element), .set(let element): isScalar(element)
        case .map, .structure: false
        }
    }

    private static func isScalar(_ type: ThriftType) -> Bool {
        switch type {
        case .bool, .i8, .i16, .i32, .i64, .double, .string, .binary, .uuid, .enumeration: true
        case .list, .set, .map, .structure: false
        }
    }

    static func describe(_ type: ThriftType, _ schema: ThriftSchema) -> String {
        switch type {
        case .bool: "a bool"
        case .i8: "an i8"
        case .i16: "an i16"
        case .i32: "an i32"
        case .i64: "an i64"
        case .double: "a double"
        case .string: "a string"
        case .binary: "binary"
        case .uuid: "a uuid"
        case .list: "a list"
        case .set: "a set"
        case .map: "a map"
        case .structure(let id): "struct \(schema[id].name)"
        case .enumeration(let id): "enum \(schema[id].name)"
        }
    }
}

struct FieldPathProblem: Error {
    var message: String
}
