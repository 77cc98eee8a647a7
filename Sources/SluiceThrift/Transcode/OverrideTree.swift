import NIOCore
import SluiceJSON

/// Where values from outside the body land in the arguments: a small per-request tree built from the bound
/// values and the body target only, never from the body itself.
///
/// Node 0 is the arguments struct. A node with `values` replaces its field outright (the body's value for it
/// is skipped); a node with children merges into a struct; `takesBody` marks the field the JSON body fills.
struct OverrideTree {
    struct Node {
        /// Index of the field in its parent struct's descriptor (unused for the root).
        var fieldIndex: Int
        var type: ThriftType
        var children: [Int] = []
        /// Indices into the bound values, in order.
        var values: [Int] = []
        var takesBody = false
        /// A struct written even when nothing fills it (``CallInput/sendsEmptyTarget``).
        var sentEmpty = false
        /// `$.a.b`, for errors.
        var path: String
    }

    var nodes: [Node]

    init(arguments: StructID, schema: ThriftSchema, input: CallInput) throws(TranscodeError) {
        nodes = [Node(fieldIndex: -1, type: .structure(arguments), path: "$")]
        for (index, bound) in input.bound.enumerated() {
            let node = try walk(bound.path, schema: schema, source: bound.source)
            if nodes[node].values.isEmpty || nodes[node].type.isList {
                nodes[node].values.append(index)
            }
            // A repeated single-valued binding keeps the first value.
        }
        let bodyPresent = (input.body?.readableBytes ?? 0) > 0
        if bodyPresent || input.bodyTarget.isEmpty {
            let node = try walk(input.bodyTarget, schema: schema, source: "the request body")
            nodes[node].takesBody = true
        } else if input.sendsEmptyTarget {
            let node = try walk(input.bodyTarget, schema: schema, source: "the request body")
            nodes[node].sentEmpty = true
        }
        for node in nodes where !node.values.isEmpty {
            guard node.type.acceptsText else {
                throw TranscodeError(
                    .invalidValue, path: node.path,
                    "\(schema.displayName(of: node.type)) cannot be bound from text")
            }
        }
    }

    /// The node for `path`, creating nodes along it.
    private mutating func walk(_ path: [String], schema: ThriftSchema, source: String) throws(TranscodeError) -> Int {
        var current = 0
        for name in path {
            guard case .structure(let id) = nodes[current].type else {
                throw TranscodeError(
                    .unknownField, path: nodes[current].path,
                    "\(source) binds into \(schema.displayName(of: nodes[current].type)), which has no fields")
            }
            guard let fieldIndex = schema[id].fieldIndex(named: name) else {
                throw TranscodeError(
                    .unknownField, path: nodes[current].path + "." + name,
                    "\(source) binds to '\(name)', which \(schema[id].name) does not declare")
            }
            if let existing = nodes[current].children.first(where: { nodes[$0].fieldIndex == fieldIndex }) {
                current = existing
                continue
            }
            let node = Node(
                fieldIndex: fieldIndex, type: schema[id].fields[fieldIndex].type,
                path: nodes[current].path + "." + name)
            nodes.append(node)
            nodes[current].children.append(nodes.count - 1)
            current = nodes.count - 1
        }
        return current
    }

    /// The child of `node` for field `fieldIndex`.
    @inline(__always)
    func child(of node: Int, field fieldIndex: Int) -> Int? {
        for child in nodes[node].children where nodes[child].fieldIndex == fieldIndex {
            return child
        }
        return nil
    }
}

extension ThriftType {
    /// A list or a set: bound values add one element each.
    public var isList: Bool {
        switch self {
        case .list, .set: true
        default: false
        }
    }

    /// Scalars, and lists or sets of scalars (one element per value).
    var acceptsText: Bool {
        switch self {
        case .bool, .i8, .i16, .i32, .i64, .double, .string, .binary, .uuid, .enumeration: true
        case .list(let element), .set(let element): element.acceptsText && !element.isList
        case .map, .structure: false
        }
    }
}
