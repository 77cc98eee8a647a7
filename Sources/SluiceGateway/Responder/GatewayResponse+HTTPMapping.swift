internal import NIOCore
internal import SluiceThrift

extension GatewayResponse {
    /// A success whose reply fields were annotated `api.header`, `api.cookie` or `api.http_code`: they become
    /// header fields, `Set-Cookie` fields and the status. A status outside 200...599 (informational statuses
    /// cannot end an exchange) is ignored; 204 and 304 carry no body.
    init(mapping values: [HTTPResponseValue], body: ByteBuffer) {
        var status = 200
        var headers: [(name: String, value: String)] = []
        for value in values {
            switch value.target {
            case .header(let name):
                headers.append((name, value.text))
            case .cookie(let name):
                headers.append(("set-cookie", "\(name)=\(value.text)"))
            case .statusCode:
                if let code = Int(value.text), (200...599).contains(code) { status = code }
            }
        }
        self.init(status: status, headers: headers, body: status == 204 || status == 304 ? nil : body)
    }
}
