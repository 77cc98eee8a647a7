/// A route to a `protocol: http` service, ready for requests: its requests are not decoded but streamed to
/// ``upstream`` as they arrive (see ``ProxyExchange``).
final class ProxyRoute: Sendable {
    let configuration: RouteConfiguration
    let upstream: HTTPUpstream

    init(configuration: RouteConfiguration, upstream: HTTPUpstream) {
        self.configuration = configuration
        self.upstream = upstream
    }

    var service: String { configuration.service }

    /// The request target sent upstream: the path as it came or rewritten, and the query as it came.
    func upstreamTarget(path: Substring, query: Substring) -> String {
        let upstreamPath = configuration.rewrite.map { $0.apply(to: path) } ?? String(path)
        return query.isEmpty ? upstreamPath : upstreamPath + "?" + query
    }
}
