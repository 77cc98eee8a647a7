/// Adds what a route's plugins put on every answer (CORS fields, response header edits) on its way out.
struct PluginResponder<Inner: GatewayResponder>: GatewayResponder {
    let inner: Inner
    let pass: PluginPass

    func respond(_ response: GatewayResponse) {
        var response = response
        pass.editResponse(&response.headers)
        inner.respond(response)
    }
}
