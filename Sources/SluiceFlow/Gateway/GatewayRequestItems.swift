/// The request parts a gateway rule can limit on, as the ingress sees them (Sentinel's `RequestItemParser`).
/// Each answers the first value, as Sentinel's parsers do, or nil when the request has none.
public protocol GatewayRequestItems {
    /// The peer's address (the socket's, as Sentinel's; `X-Forwarded-For` only if the gateway says so).
    var remoteAddress: String? { get }
    func header(_ name: String) -> String?
    func urlParam(_ name: String) -> String?
    func cookie(_ name: String) -> String?
}
