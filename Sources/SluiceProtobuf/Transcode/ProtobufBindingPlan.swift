import NIOCore
import SluiceJSON

/// Where a call's body and bound values land in the request message, resolved and checked before anything
/// is written: a small per-request tree built from the body target and the bound values, never from the body.
///
/// Node 0 is the request message. A node with `values` is a field those bound values fill (one element each
/// for a repeated field, the first for any other); a node with `children` is a singular message field whose
/// fields they fill. Fields are matched by `.proto` name or JSON name.
struct ProtobufBindingPlan {
    struct Node {
        /// The field this node is, in its parent's message; nil for the root.
        var field: ProtobufFieldTable.Field?
        var children: [Int] = []
        /// Indices into the call's bound values, in order.
        var values: [Int] = []
        /// `$.order.customerId` (JSON names), for errors.
        var path: String
    }

    /// A field path resolved from the request message.
    struct Resolved {
        /// Each step's field index in its message, to compare paths whatever names spelled them.
        var indices: [Int] = []
        var fields: [ProtobufFieldTable.Field] = []
        /// Each step's JSON name.
        var names: [String] = []

        /// `$.order.customerId`.
        var path: String { names.reduce("$") { $0 + "." + $1 } }
    }

    var nodes: [Node]
    /// The fields the body fills, outermost first; empty for the request itself.
    var body: Resolved

    init(_ request: ProtobufMessageID, schema: ProtobufSchema, input: CallInput, strict: Bool)
        throws(ProtobufTranscodeError)
    {
        let resolver = Resolver(schema: schema, table: schema.table, request: Int32(request.index))
        nodes = [Node(field: nil, path: "$")]
        body = try resolver.resolve(
            input.bodyTarget, source: "the request body (body: \(input.bodyTarget.joined(separator: ".")))")
        let bodyPresent = input.body.map(Self.hasContent) ?? false
        // Declared bindings first: query parameters are checked against them.
        var declared: [(Resolved, String)] = []
        for (index, value) in input.bound.enumerated() where !value.isQueryParameter {
            guard let resolved = try resolver.resolveBound(value, skipUnknown: false) else { continue }
            declared.append((resolved, value.source))
            add(index, at: resolved)
        }
        for (index, value) in input.bound.enumerated() where value.isQueryParameter {
            guard let resolved = try resolver.resolveBound(value, skipUnknown: !strict) else { continue }
            if !input.bodyTarget.isEmpty && resolved.indices.starts(with: body.indices) {
                throw ProtobufTranscodeError(
                    .conflict, path: resolved.path,
                    "\(value.source) sets a field of the request body (body: \(input.bodyTarget.joined(separator: ".")))"
                )
            }
            if input.bodyTarget.isEmpty && bodyPresent {
                throw ProtobufTranscodeError(
                    .conflict, path: resolved.path,
                    "\(value.source) sets a field, but the request body is the whole request")
            }
            for (other, source) in declared
            where resolved.indices.starts(with: other.indices) || other.indices.starts(with: resolved.indices) {
                throw ProtobufTranscodeError(
                    .conflict, path: resolved.path,
                    "\(value.source) and \(source) both set '\(other.names.joined(separator: "."))'")
            }
            add(index, at: resolved)
        }
    }

    /// Adds bound value `index` at `resolved`, creating nodes along it.
    private mutating func add(_ index: Int, at resolved: Resolved) {
        var current = 0
        for (step, field) in resolved.fields.enumerated() {
            if let existing = nodes[current].children.first(where: { nodes[$0].field?.number == field.number }) {
                current = existing
                continue
            }
            nodes.append(Node(field: field, path: nodes[current].path + "." + resolved.names[step]))
            nodes[current].children.append(nodes.count - 1)
            current = nodes.count - 1
        }
        guard let field = nodes[current].field else { return }
        // A repeated field gets one element per value; any other field keeps the first.
        if nodes[current].values.isEmpty || field.isRepeated { nodes[current].values.append(index) }
    }

    /// Whether JSON text has anything but whitespace (an empty body is no body).
    static func hasContent(_ buffer: ByteBuffer) -> Bool {
        buffer.readableBytesView.contains { byte in
            byte != UInt8(ascii: " ") && byte != UInt8(ascii: "\t") && byte != UInt8(ascii: "\n")
                && byte != UInt8(ascii: "\r")
        }
    }
}

extension ProtobufBindingPlan {
    /// Writes every bound value, nested in the message fields their paths go through: for each singular
    /// message field on the way, one occurrence holding all the values below it.
    func writeBound(
        _ bound: [BoundValue], table: ProtobufFieldTable, schema: ProtobufSchema, into out: inout ProtobufWireWriter
    ) throws(ProtobufTranscodeError) {
        try writeChildren(of: 0, bound, table: table, schema: schema, into: &out)
    }

    private func writeChildren(
        of node: Int, _ bound: [BoundValue], table: ProtobufFieldTable, schema: ProtobufSchema,
        into out: inout ProtobufWireWriter
    ) throws(ProtobufTranscodeError) {
        for child in nodes[node].children {
            guard let field = nodes[child].field else { continue }
            for index in nodes[child].values {
                do throws(ProtobufTranscodeError) {
                    try ProtobufBoundText.write(bound[index].text, as: field, table: table, schema: schema, into: &out)
                } catch {
                    throw ProtobufTranscodeError(
                        error.kind, path: nodes[child].path, "\(bound[index].source): \(error.message)")
                }
            }
            if nodes[child].children.isEmpty { continue }
            if field.kind == .group {
                out.tag(field.number, .startGroup)
                try writeChildren(of: child, bound, table: table, schema: schema, into: &out)
                out.tag(field.number, .endGroup)
            } else {
                out.tag(field.number, .lengthDelimited)
                let mark = out.beginLength()
                try writeChildren(of: child, bound, table: table, schema: schema, into: &out)
                out.endLength(mark)
            }
        }
    }
}
