internal import Yams

/// The route keys that only routes to `protocol: http` services take; validation refuses them on others.
extension RouteFile {
    static let proxyOnlyRouteKeys = ["rewrite", "max_body"]
    /// Keys that bind requests to Thrift arguments or shape JSON replies; a proxied request has neither.
    static let rpcOnlyRouteKeys = ["call", "body", "query", "headers", "cookies", "strict", "options", "exceptions", "response_body"]

    /// `rewrite:` checked against the route's path variables (`template` is nil when the path did not
    /// parse, which is reported already) and `max_body:`.
    static func parseProxyKeys(
        _ fields: [String: (key: Node, value: Node)],
        template: PathTemplate?,
        reader: inout YAMLReader,
        valid: inout Bool
    ) -> (rewrite: PathRewrite?, maxBody: Int?) {
        var rewrite: PathRewrite?
        if let field = fields["rewrite"], let text = reader.string(field.value, what: "'rewrite'"), let template {
            do {
                rewrite = try PathRewrite.parse(text, template: template)
            } catch {
                reader.error(at: field.value, "bad rewrite '\(text)': \(error)")
                valid = false
            }
        } else if fields["rewrite"] != nil {
            valid = false
        }
        var maxBody: Int?
        if let field = fields["max_body"] {
            maxBody = reader.size(field.value, what: "'max_body'")
            if maxBody == nil { valid = false }
        }
        return (rewrite, maxBody)
    }
}
