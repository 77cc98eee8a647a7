extension Router {
    /// Finds the route for `method` and a raw (still percent-encoded) `path` without its query.
    ///
    /// `HEAD` is `GET` without the body (RFC 9110 §9.3.2): a path with no `HEAD` route of its own is served
    /// by its `GET` route, and the protocol adapter leaves the body out.
    public func match(method: String, path: Substring) -> Match {
        var path = path
        let found = path.withUTF8 { bytes -> Int? in
            guard bytes.first == UInt8(ascii: "/") else { return nil }
            if let route = self.find(node: 0, bytes: bytes, position: 1, method: method) { return route }
            guard method == "HEAD" else { return nil }
            return self.find(node: 0, bytes: bytes, position: 1, method: "GET")
        }
        if let found { return .route(found) }
        // Slow path: only unmatched requests pay for collecting every method the path allows.
        var allowed: Set<String> = []
        path.withUTF8 { bytes in
            if bytes.first == UInt8(ascii: "/") {
                self.collectMethods(node: 0, bytes: bytes, position: 1, into: &allowed)
            }
        }
        if allowed.contains("GET") { allowed.insert("HEAD") }
        return allowed.isEmpty ? .notFound : .methodNotAllowed(allowed: allowed.sorted())
    }

    /// `position` is the start of the next segment, or `bytes.count + 1` once every segment is consumed.
    private func find(node index: Int32, bytes: UnsafeBufferPointer<UInt8>, position: Int, method: String) -> Int? {
        let node = nodes[Int(index)]
        if position > bytes.count {
            if let route = route(at: node, method: method) { return route }
            // A rest variable also matches zero remaining segments.
            if node.rest >= 0 { return route(at: nodes[Int(node.rest)], method: method) }
            return nil
        }
        let end = segmentEnd(bytes, from: position)
        let next = end + 1  // past the '/', or bytes.count + 1 at the end
        for edgeIndex in node.literals {
            let edge = literalEdges[Int(edgeIndex)]
            if equals(edge.bytes, bytes, position, end),
                let route = find(node: edge.child, bytes: bytes, position: next, method: method)
            {
                return route
            }
        }
        if node.single >= 0, end > position,
            let route = find(node: node.single, bytes: bytes, position: next, method: method)
        {
            return route
        }
        if node.rest >= 0 { return route(at: nodes[Int(node.rest)], method: method) }
        return nil
    }

    private func collectMethods(node index: Int32, bytes: UnsafeBufferPointer<UInt8>, position: Int, into allowed: inout Set<String>) {
        let node = nodes[Int(index)]
        if node.rest >= 0 { collectEndpoints(of: nodes[Int(node.rest)], into: &allowed) }
        if position > bytes.count {
            collectEndpoints(of: node, into: &allowed)
            return
        }
        let end = segmentEnd(bytes, from: position)
        for edgeIndex in node.literals {
            let edge = literalEdges[Int(edgeIndex)]
            if equals(edge.bytes, bytes, position, end) {
                collectMethods(node: edge.child, bytes: bytes, position: end + 1, into: &allowed)
            }
        }
        if node.single >= 0, end > position {
            collectMethods(node: node.single, bytes: bytes, position: end + 1, into: &allowed)
        }
    }

    private func collectEndpoints(of node: Node, into allowed: inout Set<String>) {
        for endpointIndex in node.endpoints { allowed.insert(endpoints[Int(endpointIndex)].method) }
    }

    /// The route for `method`, else the node's `*` route (routes to http services take any method), else nil.
    private func route(at node: Node, method: String) -> Int? {
        for endpointIndex in node.endpoints where endpoints[Int(endpointIndex)].method == method {
            return endpoints[Int(endpointIndex)].route
        }
        return node.anyMethod >= 0 ? node.anyMethod : nil
    }

    private func segmentEnd(_ bytes: UnsafeBufferPointer<UInt8>, from position: Int) -> Int {
        var end = position
        while end < bytes.count, bytes[end] != UInt8(ascii: "/") { end += 1 }
        return end
    }

    private func equals(_ literal: [UInt8], _ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        guard literal.count == end - start else { return false }
        var index = 0
        while index < literal.count {
            if literal[index] != bytes[start + index] { return false }
            index += 1
        }
        return true
    }
}
