/// `/admin/config`: the configuration the gateway runs with: its listeners and limits as started, the routes
/// directory, what the running snapshot holds, and how the reloads went (the last one's problems, when it was
/// refused). The admin token is never shown.
enum AdminConfigView {
    static let redacted = "[redacted]"

    static func json(
        _ configuration: Gateway.Configuration, ports: [Int], admin: AdminSettings, running: GatewayConfiguration, reloads: ReloadLog
    ) -> AdminJSON {
        let limits = configuration.limits
        return .object([
            ("version", .string(GatewayVersion.string)),
            ("routes_directory", .string(configuration.routesDirectory)),
            ("include_directories", .array(configuration.includeDirectories.map(AdminJSON.string))),
            (
                "listeners",
                .array(zip(configuration.listeners, ports).map { listenerJSON($0, port: $1, accessLog: configuration.accessLog) })
            ),
            (
                "limits",
                .object([
                    ("max_body", .int(limits.maxBodySize)), ("max_header_bytes", .int(limits.maxHeaderBytes)),
                    ("idle_timeout_ms", .milliseconds(limits.idleTimeout)), ("header_timeout_ms", .milliseconds(limits.headerTimeout)),
                ])
            ),
            (
                "websocket",
                .optional(configuration.websocket) { websocket in
                    .object([
                        ("path", .string(websocket.path)), ("max_message_size", .int(websocket.maxMessageSize)),
                        ("max_in_flight", .int(websocket.maxInFlight)), ("ping_interval_ms", .milliseconds(websocket.pingInterval)),
                    ])
                }
            ),
            ("admin", .object([("address", .string(admin.address.description)), ("token", admin.token == nil ? .null : .string(redacted))])),
            (
                "running",
                .object([
                    ("routes", .int(running.routes.count)),
                    ("services", .array(running.services.map { .string($0.name) })),
                    ("flow_rules", flowRulesJSON(running.flowRules)),
                ])
            ),
            (
                "reloads",
                .object([
                    ("succeeded", .int(reloads.succeeded)), ("failed", .int(reloads.failed)),
                    ("last", .optional(reloads.last, reloadJSON)),
                ])
            ),
        ])
    }

    /// One reload's outcome: `POST /admin/reload`'s answer, and `reloads.last` above.
    static func reloadJSON(_ record: ReloadRecord) -> AdminJSON {
        .object([
            ("reloaded", .bool(record.succeeded)),
            ("trigger", .string(record.trigger)),
            ("at", .string(record.timestamp)),
            ("routes", .int(record.routes)),
            ("errors", .array(record.diagnostics.map(AdminJSON.string))),
        ])
    }

    /// `port`: the one bound (the configured address may say 0).
    private static func listenerJSON(_ listener: ListenerConfiguration, port: Int, accessLog: AccessLogSettings?) -> AdminJSON {
        .object([
            ("address", .string(listener.address.description)),
            ("bound", .string(ListenAddress(host: listener.address.host, port: port).description)),
            (
                "access_log",
                .optional(listener.accessLog.resolved(default: accessLog)) { settings in
                    let path: String
                    switch settings.destination {
                    case .standardOutput: path = "-"
                    case .file(let file): path = file
                    }
                    return .object([("path", .string(path)), ("format", .string(settings.format.rawValue))])
                }
            ),
            (
                "tls",
                .optional(listener.tls) { tls in
                    .object([
                        ("cert", .string(tls.certificate)), ("key", .string(tls.key)),
                        ("client_ca", .optional(tls.clientCA, AdminJSON.string)),
                        ("sni", .array(tls.serverNames.map { .string($0.serverName) })),
                    ])
                }
            ),
            (
                "http2",
                .object([
                    ("max_concurrent_streams", .int(listener.http2.maxConcurrentStreams)),
                    ("initial_window", .int(listener.http2.initialWindow)), ("max_frame_size", .int(listener.http2.maxFrameSize)),
                    ("max_resets_per_second", .int(listener.http2.maxResetsPerSecond)),
                ])
            ),
        ])
    }

    private static func flowRulesJSON(_ rules: FlowRulesConfiguration) -> AdminJSON {
        .object([
            ("flow", .int(rules.flow.count)), ("circuit_breakers", .int(rules.degrade.count)),
            ("param_flow", .int(rules.param.count)), ("system", .int(rules.system.count)),
            ("gateway_flow", .int(rules.gatewayFlow.count)), ("api_definitions", .int(rules.apiDefinitions.count)),
        ])
    }
}
