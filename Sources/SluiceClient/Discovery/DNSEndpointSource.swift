public import Logging
public import NIOPosix

/// Where a ``DNSEndpointSource`` looks, and how often.
public struct DNSDiscoveryConfiguration: Sendable, Hashable {
    /// The name to resolve (A and AAAA), and the port every address gets.
    public var host: String
    public var port: Int
    /// How long between resolutions (default 5 s).
    public var interval: Duration
    /// Waits between attempts after a failed resolution, each at most `interval`.
    public var backoff: DiscoveryBackoff.Configuration

    public init(
        host: String, port: Int, interval: Duration = .seconds(5),
        backoff: DiscoveryBackoff.Configuration = DiscoveryBackoff.Configuration()
    ) {
        self.host = host
        self.port = port
        self.interval = interval
        self.backoff = backoff
    }

    /// Throws naming the first field that cannot work.
    public func validate() throws(DiscoveryConfigurationError) {
        guard !host.isEmpty else { throw DiscoveryConfigurationError(field: "dns", "the host is empty") }
        guard (1...65535).contains(port) else { throw DiscoveryConfigurationError(field: "dns", "the port must be in 1...65535") }
        guard interval > .zero else { throw DiscoveryConfigurationError(field: "interval", "must be positive") }
        try backoff.validate()
    }
}

/// `host:port` re-resolved every `interval` with the system resolver (`getaddrinfo` on a `NIOThreadPool`
/// thread, so a slow resolver blocks no event loop). Each answer is sorted and deduplicated and delivered
/// only when it differs from the last; a failed resolution keeps the last set and is retried with backoff.
public final class DNSEndpointSource: EndpointSource {
    public let configuration: DNSDiscoveryConfiguration
    private let threadPool: NIOThreadPool
    private let logger: Logger
    private let task = SourceTask()

    public init(configuration: DNSDiscoveryConfiguration, threadPool: NIOThreadPool = .singleton, logger: Logger) {
        self.configuration = configuration
        self.threadPool = threadPool
        var logger = logger
        logger[metadataKey: "discovery.dns"] = "\(configuration.host):\(configuration.port)"
        self.logger = logger
    }

    public func start(onChange: @escaping @Sendable ([WeightedEndpoint]) -> Void) {
        task.start { [self] in await run(EndpointDelivery(onChange)) }
    }

    public func stop() async { await task.stop() }

    private func run(_ delivery: EndpointDelivery) async {
        var delivery = delivery
        var backoff = DiscoveryBackoff(configuration.backoff)
        var generator = SystemRandomNumberGenerator()
        let (host, port) = (configuration.host, configuration.port)
        while !Task.isCancelled {
            let wait: Duration
            do {
                let addresses = try await threadPool.runIfActive { try SystemResolver.resolve(host: host, port: port) }
                if backoff.failures > 0 { logger.info("dns resolves again", metadata: ["discovery.endpoints": "\(addresses.count)"]) }
                backoff.reset()
                delivery.offer(WeightedEndpoint.normalized(addresses.map { WeightedEndpoint($0) }))
                wait = configuration.interval
            } catch {
                logger.log(
                    level: backoff.failures == 0 ? .warning : .debug,
                    "dns resolution failed; keeping the last endpoints",
                    metadata: ["discovery.error": "\(error)", "discovery.kept": "\(delivery.last?.count ?? 0)"])
                wait = min(backoff.nextDelay(using: &generator), configuration.interval)
            }
            try? await Task.sleep(for: wait)
        }
    }
}
