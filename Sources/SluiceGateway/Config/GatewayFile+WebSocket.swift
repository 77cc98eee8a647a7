internal import Yams

extension GatewayFile {
    static let webSocketKeys = ["path", "max_message", "max_in_flight", "ping_interval"]

    /// `websocket: {path: /ws, max_message: 1MiB, max_in_flight: 100, ping_interval: 30s}`; every key optional.
    static func parseWebSocket(_ node: Node, reader: inout YAMLReader) -> WebSocketSettings? {
        var settings = WebSocketSettings()
        // `websocket: {}` turns it on with the defaults.
        guard let fields = reader.fields(of: node, what: "'websocket'", allowed: webSocketKeys) else { return nil }
        if let field = fields["path"], let path = reader.string(field.value, what: "'websocket.path'") {
            if path.first != "/" || path.contains("?") || path.contains("#") || path.contains(" ") {
                reader.error(at: field.value, "bad 'websocket.path' '\(path)' (expected an absolute path such as /ws, without a query)")
            } else {
                settings.path = path
            }
        }
        if let field = fields["max_message"], let size = reader.size(field.value, what: "'websocket.max_message'") {
            if size > WebSocketSettings.maxMessageSizeLimit {
                reader.error(at: field.value, "'websocket.max_message' must be at most 1GiB")
            } else {
                settings.maxMessageSize = size
            }
        }
        if let field = fields["max_in_flight"],
            let count = reader.int(field.value, what: "'websocket.max_in_flight'", range: 1...100_000)
        {
            settings.maxInFlight = count
        }
        if let field = fields["ping_interval"], let interval = reader.duration(field.value, what: "'websocket.ping_interval'") {
            settings.pingInterval = interval
        }
        return settings
    }
}
