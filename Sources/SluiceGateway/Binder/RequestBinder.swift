internal import NIOCore
internal import SluiceThrift

/// Turns a matched request into the call's input: path variables, query parameters (repeated keys give
/// repeated values), headers and cookies become ``BoundValue``s; the body goes to the route's body target.
///
/// Built once per route when a snapshot is built; binding walks the request's bytes and allocates only
/// for the values it captures.
struct RequestBinder: Sendable {
    struct PathVariable: Sendable {
        /// Index of the template segment (and so of the path segment) that holds the value.
        var segment: Int
        var isRest: Bool
        var fieldPath: [String]
        var source: String
    }

    struct Parameter: Sendable {
        var name: String
        var fieldPath: [String]
        var source: String
    }

    let pathVariables: [PathVariable]
    let query: [Parameter]
    let headers: [Parameter]
    let cookies: [Parameter]
    /// `nil`: the body is ignored.
    let bodyTarget: [String]?
    /// Path variables, query parameters, headers and cookies configured, together.
    let boundSources: Int

    init(route: RouteConfiguration) {
        var pathVariables: [PathVariable] = []
        for (index, segment) in route.template.segments.enumerated() {
            switch segment {
            case .single(let variable?):
                pathVariables.append(
                    PathVariable(segment: index, isRest: false, fieldPath: variable.fieldPath, source: "path parameter '\(variable.name)'")
                )
            case .rest(let variable?):
                pathVariables.append(
                    PathVariable(segment: index, isRest: true, fieldPath: variable.fieldPath, source: "path parameter '\(variable.name)'")
                )
            case .literal, .single(nil), .rest(nil):
                break
            }
        }
        self.pathVariables = pathVariables
        self.query = route.query.map { Parameter(name: $0.name, fieldPath: $0.fieldPath, source: "query parameter '\($0.name)'") }
        self.headers = route.headers.map { Parameter(name: $0.name, fieldPath: $0.fieldPath, source: "header '\($0.name)'") }
        self.cookies = route.cookies.map { Parameter(name: $0.name, fieldPath: $0.fieldPath, source: "cookie '\($0.name)'") }
        self.bodyTarget = route.body.target
        self.boundSources = pathVariables.count + query.count + headers.count + cookies.count
    }

    func bind(_ request: GatewayRequest) throws(BindingError) -> CallInput {
        var bound: [BoundValue] = []
        // One value per configured source is the common case (repeated keys may add more); an unbound
        // route reserves nothing and so allocates nothing.
        bound.reserveCapacity(boundSources)
        if !pathVariables.isEmpty { try bindPath(request.path, into: &bound) }
        if !query.isEmpty { try bindQuery(request.query, into: &bound) }
        for header in headers {
            for field in request.headers where GatewayHeaders.sameName(field.name, header.name) {
                bound.append(BoundValue(path: header.fieldPath, text: field.value, source: header.source))
            }
        }
        if !cookies.isEmpty { bindCookies(request.headers, into: &bound) }
        guard let bodyTarget else { return CallInput(body: nil, bodyTarget: [], bound: bound) }
        let body = request.body.flatMap { $0.readableBytes > 0 ? $0 : nil }
        return CallInput(body: body, bodyTarget: bodyTarget, bound: bound)
    }
}
