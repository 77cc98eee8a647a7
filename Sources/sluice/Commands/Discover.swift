import ArgumentParser
import Logging
import NIOCore
import NIOPosix
import SluiceClient
import SluiceJSON

/// `sluice discover`: watches one discovery source and prints each endpoint set it delivers as a JSON line,
/// until SIGINT or SIGTERM (for operators checking what a service would see, and for tests).
struct Discover: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Watch an endpoint source (etcd with Kitex's registry layout, or DNS) and print each set as JSON."
    )

    @Option(
        help: ArgumentHelp("An etcd client address (repeat for several, tried in turn); needs --service.", valueName: "host:port"))
    var etcd: [String] = []

    @Option(help: ArgumentHelp("The Kitex service name: keys under kitex/registry-etcd/<service>/.", valueName: "name"))
    var service: String?

    @Option(help: ArgumentHelp("A name to resolve (A and AAAA) with the system resolver.", valueName: "host:port"))
    var dns: String?

    @Option(
        help: ArgumentHelp("How often --dns resolves: \(DurationArgument.units).", valueName: "duration"),
        transform: DurationArgument.parse)
    var interval = DurationArgument(.seconds(5), spelled: "5s")

    @Option(
        name: .customLong("request-timeout"),
        help: ArgumentHelp("How long --etcd may take to answer a range or a liveness probe: \(DurationArgument.units).", valueName: "duration"),
        transform: DurationArgument.parse)
    var requestTimeout = DurationArgument(.seconds(3), spelled: "3s")

    @Option(
        name: .customLong("probe-interval"),
        help: ArgumentHelp("How often a watching --etcd source checks that etcd still answers: \(DurationArgument.units).", valueName: "duration"),
        transform: DurationArgument.parse)
    var probeInterval = DurationArgument(.seconds(5), spelled: "5s")

    @Option(name: .customLong("log-level"), help: ArgumentHelp("trace, debug, info, notice, warning, error or critical."))
    var logLevel: Logger.Level = .info

    func validate() throws {
        guard etcd.isEmpty != (dns == nil) else { throw ValidationError("give either --etcd (with --service) or --dns") }
        if !etcd.isEmpty {
            for address in etcd where Endpoint(parsing: address) == nil {
                throw ValidationError("--etcd '\(address)' is not host:port")
            }
            guard let service, !service.isEmpty else { throw ValidationError("--etcd needs --service") }
        }
        if let dns, Endpoint(parsing: dns) == nil { throw ValidationError("--dns '\(dns)' is not host:port") }
    }

    func run() async throws {
        bootstrapLogging(level: logLevel)
        let shutdown = ShutdownSignal.install()
        let logger = Logger(label: "sluice.discover")
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let source: any EndpointSource
        if let dns, let endpoint = Endpoint(parsing: dns) {
            let configuration = DNSDiscoveryConfiguration(
                host: endpoint.host, port: endpoint.port, interval: .nanoseconds(interval.amount.nanoseconds))
            try configuration.validate()
            source = DNSEndpointSource(configuration: configuration, logger: logger)
        } else {
            let configuration = EtcdDiscoveryConfiguration(
                endpoints: etcd.compactMap(Endpoint.init(parsing:)), service: service ?? "",
                requestTimeout: .nanoseconds(requestTimeout.amount.nanoseconds),
                probeInterval: .nanoseconds(probeInterval.amount.nanoseconds))
            try configuration.validate()
            source = EtcdEndpointSource(configuration: configuration, group: group, logger: logger)
        }
        source.start { endpoints in
            printJSON(Self.json(endpoints))
            flushStandardOutput()
        }
        let signal = await shutdown.wait()
        logger.debug("stopping", metadata: ["signal": "\(signal)"])
        await source.stop()
        try await group.shutdownGracefully()
    }

    /// `{"endpoints":[{"address":"127.0.0.1:8888","weight":10}]}`
    static func json(_ endpoints: [WeightedEndpoint]) -> ByteBuffer {
        var writer = JSONWriter(buffer: ByteBuffer())
        writer.beginObject()
        writer.key("endpoints")
        writer.beginArray()
        for entry in endpoints {
            writer.beginObject()
            writer.key("address")
            writer.string(entry.endpoint.description)
            writer.key("weight")
            writer.int(entry.weight)
            writer.endObject()
        }
        writer.endArray()
        writer.endObject()
        return writer.buffer
    }
}
