/// What carried a request to the gateway, as metrics and access logs name it.
public enum IngressProtocol: UInt8, Sendable {
    case http1 = 0
    case http2 = 1
    case websocket = 2

    var label: String {
        switch self {
        case .http1: "http1"
        case .http2: "h2"
        case .websocket: "websocket"
        }
    }
}
