extension Router {
    /// Finds the route for `method` and a raw (still percent-encoded) `path` without its query.
    ///
    /// `HEAD` is `GET` without the body (RFC 9110 §9.3.2): a path with no `HEAD` route of its own is served
    /// by its `GET` route, and the protocol adapter leaves the body out.
    public func match(method: String, path: Substring) -> Match {
        var path = path
        let found = path.withUTF8 { bytes -> Int? in
            guard bytes.first == UInt8(ascii: "/") else { return nil }
            if let route = self.find(bytes, method: method) { return route }
            guard method == "HEAD" else { return nil }
            return self.find(bytes, method: "GET")
        }
        if let found { return .route(found) }
        // Slow path: only unmatched requests pay for collecting every method the path allows.
        var allowed: Set<String> = []
        path.withUTF8 { bytes in
            guard bytes.first == UInt8(ascii: "/") else { return }
            if let verbSubject = self.verbSubject(bytes) {
                self.collectMethods(node: 0, verbSubject, position: 1, into: &allowed)
            }
            self.collectMethods(node: 0, Subject(bytes: bytes, end: bytes.count, verb: nil), position: 1, into: &allowed)
        }
        if allowed.contains("GET") { allowed.insert("HEAD") }
        return allowed.isEmpty ? .notFound : .methodNotAllowed(allowed: allowed.sorted())
    }

    /// The path as one matching attempt reads it: segments up to `end`, then `verb` (a range of `bytes`) if any.
    private struct Subject {
        var bytes: UnsafeBufferPointer<UInt8>
        var end: Int
        var verb: Range<Int>?
    }

    /// With a verb first, then whole.
    private func find(_ bytes: UnsafeBufferPointer<UInt8>, method: String) -> Int? {
        if let verbSubject = verbSubject(bytes), let route = find(node: 0, verbSubject, position: 1, method: method) {
            return route
        }
        return find(node: 0, Subject(bytes: bytes, end: bytes.count, verb: nil), position: 1, method: method)
    }

    /// The path split before the last `:` of its last segment, when there is text on both sides and a route
    /// has a verb at all.
    private func verbSubject(_ bytes: UnsafeBufferPointer<UInt8>) -> Subject? {
        guard !verbEdges.isEmpty else { return nil }
        var colon = bytes.count - 1
        while colon > 0, bytes[colon] != UInt8(ascii: ":") {
            if bytes[colon] == UInt8(ascii: "/") { return nil }
            colon -= 1
        }
        guard colon > 1, colon < bytes.count - 1, bytes[colon - 1] != UInt8(ascii: "/") else { return nil }
        return Subject(bytes: bytes, end: colon, verb: (colon + 1)..<bytes.count)
    }

    /// `position` is the start of the next segment, or `subject.end + 1` once every segment is consumed.
    private func find(node index: Int32, _ subject: Subject, position: Int, method: String) -> Int? {
        let node = nodes[Int(index)]
        if position > subject.end {
            if let route = route(after: node, subject, method: method) { return route }
            // A rest variable also matches zero remaining segments.
            if node.rest >= 0 { return route(after: nodes[Int(node.rest)], subject, method: method) }
            return nil
        }
        let end = segmentEnd(subject, from: position)
        let next = end + 1  // past the '/', or subject.end + 1 at the end
        for edgeIndex in node.literals {
            let edge = literalEdges[Int(edgeIndex)]
            if equals(edge.bytes, subject.bytes, position, end),
                let route = find(node: edge.child, subject, position: next, method: method)
            {
                return route
            }
        }
        if node.single >= 0, end > position,
            let route = find(node: node.single, subject, position: next, method: method)
        {
            return route
        }
        if node.rest >= 0 { return route(after: nodes[Int(node.rest)], subject, method: method) }
        return nil
    }

    private func collectMethods(node index: Int32, _ subject: Subject, position: Int, into allowed: inout Set<String>) {
        let node = nodes[Int(index)]
        if node.rest >= 0 { collectEndpoints(after: nodes[Int(node.rest)], subject, into: &allowed) }
        if position > subject.end {
            collectEndpoints(after: node, subject, into: &allowed)
            return
        }
        let end = segmentEnd(subject, from: position)
        for edgeIndex in node.literals {
            let edge = literalEdges[Int(edgeIndex)]
            if equals(edge.bytes, subject.bytes, position, end) {
                collectMethods(node: edge.child, subject, position: end + 1, into: &allowed)
            }
        }
        if node.single >= 0, end > position {
            collectMethods(node: node.single, subject, position: end + 1, into: &allowed)
        }
    }

    /// The endpoints of `node` (the segments matched), or of its edge for the subject's verb.
    private func collectEndpoints(after node: Node, _ subject: Subject, into allowed: inout Set<String>) {
        guard let verb = subject.verb else { return collectEndpoints(of: node, into: &allowed) }
        if let child = verbChild(of: node, verb, subject.bytes) { collectEndpoints(of: nodes[Int(child)], into: &allowed) }
    }

    private func collectEndpoints(of node: Node, into allowed: inout Set<String>) {
        for endpointIndex in node.endpoints { allowed.insert(endpoints[Int(endpointIndex)].method) }
    }

    /// Once the segments are matched: the route at `node`, or at its edge for the subject's verb.
    private func route(after node: Node, _ subject: Subject, method: String) -> Int? {
        guard let verb = subject.verb else { return route(at: node, method: method) }
        guard let child = verbChild(of: node, verb, subject.bytes) else { return nil }
        return route(at: nodes[Int(child)], method: method)
    }

    private func verbChild(of node: Node, _ verb: Range<Int>, _ bytes: UnsafeBufferPointer<UInt8>) -> Int32? {
        for edgeIndex in node.verbs {
            let edge = verbEdges[Int(edgeIndex)]
            if equals(edge.bytes, bytes, verb.lowerBound, verb.upperBound) { return edge.child }
        }
        return nil
    }

    /// The route for `method`, else the node's `*` route (routes to http services take any method), else nil.
    private func route(at node: Node, method: String) -> Int? {
        for endpointIndex in node.endpoints where endpoints[Int(endpointIndex)].method == method {
            return endpoints[Int(endpointIndex)].route
        }
        return node.anyMethod >= 0 ? node.anyMethod : nil
    }

    private func segmentEnd(_ subject: Subject, from position: Int) -> Int {
        var end = position
        while end < subject.end, subject.bytes[end] != UInt8(ascii: "/") { end += 1 }
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
