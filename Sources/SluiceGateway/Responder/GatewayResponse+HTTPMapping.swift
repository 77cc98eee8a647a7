internal import NIOCore
internal import SluiceThrift

extension GatewayResponse {
    /// A success whose reply fields were annotated `api.header`, `api.cookie`, `api.http_code` or `api.raw_body`:
    /// they become header fields, `Set-Cookie` fields, the status and the body. A status outside 200...599
    /// (informational statuses cannot end an exchange) is ignored; 204 and 304 carry no body.
    ///
    /// `rawBodyIsBinary` is the plan's: a raw body is `application/octet-stream` (binary) or UTF-8 text
    /// (string), unless an `api.header="Content-Type"` field names its type; a JSON body keeps
    /// `application/json` unless such a field names another.
    init(mapping values: [HTTPResponseValue], rawBodyIsBinary: Bool? = nil, body: ByteBuffer) {
        var status = 200
        var headers: [(name: String, value: String)] = []
        var contentType: String? = rawBodyIsBinary.map { $0 ? "application/octet-stream" : "text/plain; charset=utf-8" }
        for value in values {
            switch value.target {
            case .header(let name) where GatewayHeaders.sameName(name, "content-type"):
                // The serializer writes the one Content-Type field; a second would contradict it.
                contentType = value.text
            case .header(let name):
                headers.append((name, value.text))
            case .cookie(let name):
                headers.append(("set-cookie", "\(name)=\(value.text)"))
            case .statusCode:
                if let code = Int(value.text), (200...599).contains(code) { status = code }
            case .rawBody:
                break
            }
        }
        self.init(
            status: status, headers: headers, body: status == 204 || status == 304 ? nil : body, contentType: contentType
        )
    }
}
