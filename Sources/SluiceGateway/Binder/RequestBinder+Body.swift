internal import NIOCore
internal import SluiceJSON
internal import SluiceThrift

extension RequestBinder {
    /// `a=1&b=2` in the body: the route's form keys, like a query.
    func bindFormURLEncoded(_ body: ByteBuffer, into bound: inout [BoundValue]) throws(BindingError) {
        guard let text = String(validating: body.readableBytesView, as: UTF8.self) else {
            throw BindingError(source: "the request body", message: "the form body is not UTF-8")
        }
        try bindPairs(text[...], parameters: form, into: &bound)
    }

    /// Each part's value goes to the form key its `name` names; a `binary` field takes a part's bytes as they
    /// are (a file), a string field needs them to be UTF-8.
    func bindMultipart(_ body: ByteBuffer, boundary: String, into bound: inout [BoundValue]) throws(BindingError) {
        let parts = try MultipartFormData.parse(body.readableBytesView, boundary: boundary)
        for part in parts {
            for parameter in form where parameter.name == part.name {
                let bytes = body.readableBytesView[part.body]
                if parameter.isBinary {
                    bound.append(BoundValue(path: parameter.fieldPath, text: Base64.encode(Array(bytes)), source: parameter.source))
                    continue
                }
                guard let text = String(validating: bytes, as: UTF8.self) else {
                    throw BindingError(source: parameter.source, message: "\(parameter.source) is not UTF-8")
                }
                Self.append(text, for: parameter, into: &bound)
            }
        }
    }

    /// The body's bytes, as they came, for the `api.raw_body` field (bound values carry binary as base64).
    func bindRawBody(_ body: ByteBuffer, to rawBody: RouteConfiguration.RawBody, into bound: inout [BoundValue]) throws(BindingError) {
        let text: String
        if rawBody.isBinary {
            text = Base64.encode(Array(body.readableBytesView))
        } else {
            guard let utf8 = String(validating: body.readableBytesView, as: UTF8.self) else {
                throw BindingError(source: "the request body", message: "the body is not UTF-8, so it cannot fill string field '\(rawBody.fieldPath.joined(separator: "."))'")
            }
            text = utf8
        }
        bound.append(BoundValue(path: rawBody.fieldPath, text: text, source: "the raw request body"))
    }

    /// The path and query as the request carried them, still percent-encoded, for the `api.raw_uri` field
    /// (what dynamicgo passes: the server's `URL.String()`, an origin-form target).
    static func rawURIValue(_ request: GatewayRequest, fieldPath: [String]) -> BoundValue {
        let uri = request.query.isEmpty ? String(request.path) : "\(request.path)?\(request.query)"
        return BoundValue(path: fieldPath, text: uri, source: "the request URI")
    }
}
