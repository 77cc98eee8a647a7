internal import NIOCore
internal import SluiceJSON
internal import SluiceThrift

/// Turns a matched request into the call's input: path variables, query parameters (repeated keys give
/// repeated values), headers and cookies become ``BoundValue``s; the body goes to the route's body target,
/// or, when it is a form, becomes bound values too.
///
/// Built once per route when a snapshot is built; binding walks the request's bytes and allocates only
/// for the values it captures.
struct RequestBinder: Sendable {
    struct PathVariable: Sendable {
        /// The template segments (and so the path segments) whose text is the value.
        var segments: Range<Int>
        /// The last of `segments` takes the rest of the path.
        var isRest: Bool
        /// google.api.http: a value of several segments keeps `%2F` as written (http.proto, "Path template
        /// syntax"), so a slash inside a segment stays distinguishable from a separator.
        var keepsEncodedSlash: Bool
        var fieldPath: [String]
        var source: String

        init(_ capture: PathTemplate.Capture, in template: PathTemplate) {
            segments = capture.segments
            if case .rest = template.segments[capture.segments.upperBound - 1] { isRest = true } else { isRest = false }
            keepsEncodedSlash = isRest || capture.segments.count > 1
            fieldPath = capture.variable.fieldPath
            source = "path parameter '\(capture.variable.name)'"
        }
    }

    struct Parameter: Sendable {
        var name: String
        var fieldPath: [String]
        var source: String
        var splitsCommas: Bool
        var isBinary: Bool

        init(_ parameter: RouteConfiguration.Parameter, kind: String) {
            name = parameter.name
            fieldPath = parameter.fieldPath
            source = "\(kind) '\(parameter.name)'"
            splitsCommas = parameter.splitsCommas
            isBinary = parameter.isBinary
        }
    }

    let pathVariables: [PathVariable]
    /// The bytes of `:verb` that end a path the route matched; no variable's value holds them.
    let pathVerbLength: Int
    let query: [Parameter]
    let headers: [Parameter]
    let cookies: [Parameter]
    /// Keys of form bodies; empty when the route takes only JSON.
    let form: [Parameter]
    let rawBody: RouteConfiguration.RawBody?
    let rawURI: [String]?
    /// `nil`: the arguments get no body target.
    let bodyTarget: [String]?
    let readsBody: Bool
    /// Generated routes always send their request struct, as Kitex does, even when nothing fills it.
    let sendsEmptyTarget: Bool
    /// Every query parameter binds a field (gRPC routes), not only those in ``query``.
    let bindsAnyQuery: Bool
    /// Path variables, query parameters, headers and cookies configured, together.
    let boundSources: Int

    init(route: RouteConfiguration) {
        let pathVariables = route.template.captures.map { PathVariable($0, in: route.template) }
        self.pathVariables = pathVariables
        self.pathVerbLength = route.template.verb.map { $0.utf8.count + 1 } ?? 0
        self.query = route.query.map { Parameter($0, kind: "query parameter") }
        self.headers = route.headers.map { Parameter($0, kind: "header") }
        self.cookies = route.cookies.map { Parameter($0, kind: "cookie") }
        self.form = route.form.map { Parameter($0, kind: "form field") }
        self.rawBody = route.rawBody
        self.rawURI = route.rawURI
        self.bodyTarget = route.body.target
        self.readsBody = route.body.readsBody
        self.sendsEmptyTarget = route.httpAnnotations
        self.bindsAnyQuery = route.bindsAnyQuery
        self.boundSources = pathVariables.count + query.count + headers.count + cookies.count + (rawURI == nil ? 0 : 1)
    }

    func bind(_ request: GatewayRequest) throws(BindingError) -> CallInput {
        var bound: [BoundValue] = []
        // One value per configured source is the common case (repeated keys may add more); an unbound
        // route reserves nothing and so allocates nothing.
        bound.reserveCapacity(boundSources)
        if !pathVariables.isEmpty { try bindPath(request.path, into: &bound) }
        if bindsAnyQuery {
            try bindAnyQuery(request.query, into: &bound)
        } else if !query.isEmpty {
            try bindPairs(request.query, parameters: query, into: &bound)
        }
        for header in headers {
            for field in request.headers where GatewayHeaders.sameName(field.name, header.name) {
                Self.append(field.value, for: header, into: &bound)
            }
        }
        if !cookies.isEmpty { bindCookies(request.headers, into: &bound) }
        if let rawURI { bound.append(Self.rawURIValue(request, fieldPath: rawURI)) }
        guard let bodyTarget else { return CallInput(body: nil, bodyTarget: [], bound: bound) }
        guard readsBody, let body = request.body, body.readableBytes > 0 else {
            return CallInput(body: nil, bodyTarget: bodyTarget, bound: bound, sendsEmptyTarget: sendsEmptyTarget)
        }
        let format = try BodyFormat.of(
            contentType: request.headers.first("content-type"), body: body, takesForms: !form.isEmpty, takesRaw: rawBody != nil
        )
        if let rawBody { try bindRawBody(body, to: rawBody, into: &bound) }
        let json: ByteBuffer?
        switch format {
        case .json:
            json = body
        case .formURLEncoded:
            try bindFormURLEncoded(body, into: &bound)
            json = nil
        case .multipart(let boundary):
            try bindMultipart(body, boundary: boundary, into: &bound)
            json = nil
        case .raw:
            json = nil
        }
        return CallInput(body: json, bodyTarget: bodyTarget, bound: bound, sendsEmptyTarget: sendsEmptyTarget)
    }

    /// Appends `text` for `parameter`: one value, or one per comma-separated piece for list parameters.
    static func append(_ text: String, for parameter: Parameter, into bound: inout [BoundValue]) {
        guard parameter.splitsCommas, text.utf8.contains(UInt8(ascii: ",")) else {
            bound.append(BoundValue(path: parameter.fieldPath, text: text, source: parameter.source))
            return
        }
        // Header lists are written `a, b` (RFC 9110 §5.6.1): the spaces around a piece are not part of it.
        for piece in text.split(separator: ",") where !piece.trimmingSpaces.isEmpty {
            bound.append(BoundValue(path: parameter.fieldPath, text: String(piece.trimmingSpaces), source: parameter.source))
        }
    }
}
