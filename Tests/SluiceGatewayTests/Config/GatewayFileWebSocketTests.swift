import NIOCore
import Testing
@testable import SluiceGateway

@Suite("Gateway config file: websocket")
struct GatewayFileWebSocketTests {
    func parse(_ websocket: String?) -> (WebSocketSettings?, [String]) {
        var yaml = "listeners: [{address: \"127.0.0.1:0\"}]\nroutes: routes/\n"
        if let websocket { yaml += "websocket: \(websocket)\n" }
        let (file, diagnostics) = GatewayFile.parse(text: yaml, path: "g.yaml")
        return (file.websocket, diagnostics.map(\.description))
    }

    @Test("the documented example loads")
    func example() {
        let (settings, errors) = parse("{path: /rpc, max_message: 64KiB, max_in_flight: 8, ping_interval: 5s}")
        #expect(errors == [])
        #expect(settings == WebSocketSettings(path: "/rpc", maxMessageSize: 64 << 10, maxInFlight: 8, pingInterval: .seconds(5)))
    }

    @Test("without the key WebSocket is off; every key is optional")
    func defaults() {
        #expect(parse(nil) == (nil, []))
        let (settings, errors) = parse("{}")
        #expect(errors == [])
        #expect(settings == WebSocketSettings(path: "/ws", maxMessageSize: 1 << 20, maxInFlight: 100, pingInterval: .seconds(30)))
    }

    @Test("unknown keys and bad values are positioned errors")
    func errors() {
        let (_, errors) = parse("{path: ws, max_message: 2GiB, max_in_flight: 0, ping_interval: soon, origin: x}")
        #expect(errors == [
            "g.yaml:3:19: bad 'websocket.path' 'ws' (expected an absolute path such as /ws, without a query)",
            "g.yaml:3:36: 'websocket.max_message' must be at most 1GiB",
            "g.yaml:3:57: 'websocket.max_in_flight' must be an integer in 1...100000",
            "g.yaml:3:75: bad duration 'soon' for 'websocket.ping_interval' (expected a positive number with a unit: 500ms, 1s, 2m)",
            "g.yaml:3:81: unknown key 'origin' in 'websocket' (expected one of: path, max_message, max_in_flight, ping_interval)",
        ])
        #expect(parse("[/ws]").1 == ["g.yaml:3:12: 'websocket' must be a mapping"])
    }
}
