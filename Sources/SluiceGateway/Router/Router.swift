/// The route table: a segment trie built once and flattened into arrays (as hummingbird's `RouterTrie`),
/// so a lookup walks integer indices over the request path's bytes and allocates nothing.
///
/// Priority at each segment: a literal, then a one-segment variable, then a rest-of-path variable; a
/// dead end backtracks, so `/a/{x}/c` and `/a/b/d` both match what they should. A variable spanning
/// several segments (`{name=shelves/*}`) is its segments here; only the binder knows where it begins.
///
/// A custom verb (`/v1/{name}:cancel`) is a last edge after the segments. A path whose last segment has a
/// `:` after other text is tried first as segments plus verb (split at the last `:`, as grpc-gateway and
/// Envoy's transcoder do), then whole, so `/v1/x:cancel` finds `/v1/{name}:cancel` and, failing that,
/// `/v1/{name}` with `name` = `x:cancel`.
public struct Router: Sendable {
    struct Node: Sendable {
        /// Range in ``Router/literalEdges``.
        var literals: Range<Int32>
        /// Child for a one-segment variable, or -1.
        var single: Int32
        /// Child for a rest-of-path variable, or -1. That child always ends the path.
        var rest: Int32
        /// Range in ``Router/endpoints``: the routes ending here, by method.
        var endpoints: Range<Int32>
        /// Range in ``Router/verbEdges``: the custom verbs after the segments that end here.
        var verbs: Range<Int32>
        /// The `*` route ending here (routes to http services take any method), or -1; kept out of
        /// ``endpoints`` so matching a method costs what it did before such routes existed.
        var anyMethod: Int
    }

    struct LiteralEdge: Sendable {
        var bytes: [UInt8]
        var child: Int32
    }

    struct Endpoint: Sendable {
        var method: String
        var route: Int
    }

    let nodes: [Node]
    let literalEdges: [LiteralEdge]
    /// Their children are leaves: only endpoints.
    let verbEdges: [LiteralEdge]
    let endpoints: [Endpoint]

    /// What a lookup found.
    public enum Match: Sendable, Hashable {
        /// Index of the route in the array the router was built from.
        case route(Int)
        /// The path matches, but not with this method; `allowed` is sorted and has no duplicates.
        case methodNotAllowed(allowed: [String])
        case notFound
    }

    /// Routes are found by their position in `routes`. The caller guarantees no two routes share a
    /// method and a template shape (the config loader reports those as duplicates); if they do, the
    /// first one wins.
    public init(routes: [(method: String, template: PathTemplate)]) {
        var builder = Builder()
        for (index, route) in routes.enumerated() {
            builder.insert(route.template, method: route.method, route: index)
        }
        (nodes, literalEdges, verbEdges, endpoints) = builder.flatten()
    }
}

extension Router {
    /// The trie as a tree of classes-free values, before flattening.
    private struct Builder {
        struct TreeNode {
            var literals: [(bytes: [UInt8], child: Int)] = []
            var single: Int? = nil
            var rest: Int? = nil
            var verbs: [(bytes: [UInt8], child: Int)] = []
            var endpoints: [Endpoint] = []
            var anyMethod: Int? = nil
        }

        var tree: [TreeNode] = [TreeNode()]

        mutating func insert(_ template: PathTemplate, method: String, route: Int) {
            var current = 0
            for segment in template.segments {
                switch segment {
                case .literal(let text):
                    current = child(of: current, \.literals, Array(text.utf8))
                case .single:
                    current = child(of: current, \.single)
                case .rest:
                    current = child(of: current, \.rest)
                }
            }
            if let verb = template.verb { current = child(of: current, \.verbs, Array(verb.utf8)) }
            if method == "*" {
                if tree[current].anyMethod == nil { tree[current].anyMethod = route }
            } else if !tree[current].endpoints.contains(where: { $0.method == method }) {
                tree[current].endpoints.append(Endpoint(method: method, route: route))
            }
        }

        private mutating func child(
            of node: Int,
            _ edges: WritableKeyPath<TreeNode, [(bytes: [UInt8], child: Int)]>,
            _ bytes: [UInt8]
        ) -> Int {
            if let existing = tree[node][keyPath: edges].first(where: { $0.bytes == bytes }) { return existing.child }
            tree.append(TreeNode())
            tree[node][keyPath: edges].append((bytes, tree.count - 1))
            return tree.count - 1
        }

        private mutating func child(of node: Int, _ slot: WritableKeyPath<TreeNode, Int?>) -> Int {
            if let existing = tree[node][keyPath: slot] { return existing }
            tree.append(TreeNode())
            tree[node][keyPath: slot] = tree.count - 1
            return tree.count - 1
        }

        /// Node indices are kept; edges and endpoints are laid out contiguously per node.
        func flatten() -> ([Node], [LiteralEdge], [LiteralEdge], [Endpoint]) {
            var nodes: [Node] = []
            var edges: [LiteralEdge] = []
            var verbs: [LiteralEdge] = []
            var endpoints: [Endpoint] = []
            nodes.reserveCapacity(tree.count)
            for treeNode in tree {
                let edgeStart = Int32(edges.count)
                edges.append(contentsOf: treeNode.literals.map { LiteralEdge(bytes: $0.bytes, child: Int32($0.child)) })
                let verbStart = Int32(verbs.count)
                verbs.append(contentsOf: treeNode.verbs.map { LiteralEdge(bytes: $0.bytes, child: Int32($0.child)) })
                let endpointStart = Int32(endpoints.count)
                endpoints.append(contentsOf: treeNode.endpoints)
                nodes.append(
                    Node(
                        literals: edgeStart..<Int32(edges.count),
                        single: treeNode.single.map(Int32.init) ?? -1,
                        rest: treeNode.rest.map(Int32.init) ?? -1,
                        endpoints: endpointStart..<Int32(endpoints.count),
                        verbs: verbStart..<Int32(verbs.count),
                        anyMethod: treeNode.anyMethod ?? -1
                    )
                )
            }
            return (nodes, edges, verbs, endpoints)
        }
    }
}
