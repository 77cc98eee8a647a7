internal import SluiceClient

/// A `host:port` (or `[v6]:port`) to accept connections on; port 0 lets the system pick a free one.
public struct ListenAddress: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// `nil` unless `text` is `host:port` or `[v6]:port` with a port in 0...65535.
    public init?(parsing text: String) {
        guard let (host, port) = Endpoint.split(text) else { return nil }
        self.init(host: host, port: port)
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
