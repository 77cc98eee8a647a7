/// One parsed route file, before anything is checked against IDLs or other files.
struct RouteFile: Sendable {
    struct ServiceDraft: Sendable {
        var configuration: ServiceConfiguration
        /// Where `idl:` is written, for IDL files that cannot be loaded.
        var idlOrigin: ConfigOrigin
        /// Warnings about what loads (`insecure_skip_verify: true`), noted once the service is accepted.
        var notes: [ConfigDiagnostic] = []
        /// Edge plugins every route of the service runs (`plugins:`), unless the route says otherwise. Kept
        /// beside the configuration, whose equality decides whether a client or upstream is kept on reload.
        var plugins = PluginLayer()
    }

    /// A route with the positions of the parts later checks may complain about.
    struct RouteDraft: Sendable {
        var configuration: RouteConfiguration
        var pathOrigin: ConfigOrigin
        var serviceOrigin: ConfigOrigin
        /// `nil` when the route has no `call` (right for routes to `protocol: http` services only).
        var callOrigin: ConfigOrigin?
        var bodyOrigin: ConfigOrigin?
        /// Exception names as written in `exceptions:`, each with its key's position.
        var exceptionOrigins: [(name: String, origin: ConfigOrigin)]
        /// Where each key of the route is written, for keys that do not fit the service's protocol.
        var keyOrigins: [String: ConfigOrigin] = [:]
        /// Where each key of `options:` is written, for options of the other protocol.
        var optionOrigins: [String: ConfigOrigin] = [:]
    }

    var path: String
    /// A key_auth keys file (top-level `keys:`) among the route files: read by the plugin naming it, not as routes.
    var isKeysFile = false
    var services: [ServiceDraft] = []
    var routes: [RouteDraft] = []
    /// `flow`, `circuit_breakers`, `param_flow`, `system`, `sentinel` and `flow_origin`.
    var flowRules = FlowRulesDraft()
}
