public import Logging
public import NIOCore
internal import NIOHTTP1
internal import NIOPosix
internal import Synchronization

/// Where an ``EtcdEndpointSource`` looks.
public struct EtcdDiscoveryConfiguration: Sendable, Hashable {
    /// etcd's client URLs as host:port, tried in turn.
    public var endpoints: [Endpoint]
    /// The Kitex service name: keys live under `<root>/<service>/`.
    public var service: String
    /// Kitex registry-etcd's root (default `kitex/registry-etcd`).
    public var root: String
    /// Waits between attempts after etcd is lost.
    public var backoff: DiscoveryBackoff.Configuration
    /// How long a connection attempt may take (default 1 s).
    public var connectTimeout: Duration
    /// The largest range answer or watch message read (default 4 MiB); larger ones drop the connection.
    public var maxMessageBytes: Int
    /// How long etcd may take to answer a range, the first one or a liveness probe's (default 3 s): an etcd
    /// that accepts connections but never answers is lost after this, not waited on forever.
    public var requestTimeout: Duration
    /// How often a watching source checks that etcd still answers (default 5 s): a watch stream is silent
    /// while nothing changes, so only a probe tells a quiet etcd from a hung one.
    public var probeInterval: Duration

    public init(
        endpoints: [Endpoint], service: String, root: String = "kitex/registry-etcd",
        backoff: DiscoveryBackoff.Configuration = DiscoveryBackoff.Configuration(),
        connectTimeout: Duration = .seconds(1), maxMessageBytes: Int = 4 << 20,
        requestTimeout: Duration = .seconds(3), probeInterval: Duration = .seconds(5)
    ) {
        self.endpoints = endpoints
        self.service = service
        self.root = root
        self.backoff = backoff
        self.connectTimeout = connectTimeout
        self.maxMessageBytes = maxMessageBytes
        self.requestTimeout = requestTimeout
        self.probeInterval = probeInterval
    }

    /// Throws naming the first field that cannot work.
    public func validate() throws(DiscoveryConfigurationError) {
        guard !endpoints.isEmpty else { throw DiscoveryConfigurationError(field: "etcd.endpoints", "name at least one") }
        guard !service.isEmpty else { throw DiscoveryConfigurationError(field: "etcd.service", "is empty") }
        guard connectTimeout > .zero else { throw DiscoveryConfigurationError(field: "etcd.connect_timeout", "must be positive") }
        guard requestTimeout > .zero else { throw DiscoveryConfigurationError(field: "etcd.request_timeout", "must be positive") }
        guard probeInterval > .zero else { throw DiscoveryConfigurationError(field: "etcd.probe_interval", "must be positive") }
        guard maxMessageBytes >= KitexRegistryEntry.maxValueBytes else {
            throw DiscoveryConfigurationError(field: "etcd.max_message_bytes", "must be at least 64 KiB")
        }
        try backoff.validate()
    }
}

/// Kitex services registered in etcd (kitex-contrib/registry-etcd's layout), over etcd v3's JSON gateway:
/// a `/v3/kv/range` of the prefix, then a `/v3/watch` from the next revision whose PUT and DELETE events
/// (lease expiry included) change the set as they arrive.
///
/// A lost etcd (refused, closed, a cancelled or compacted watch, an error message, a range unanswered within
/// `requestTimeout`, a liveness probe unanswered while watching) keeps the last set; the source logs it, waits
/// with backoff, and ranges and watches again at the next etcd endpoint in turn. The connection lives on one
/// event loop of `group`; the loop that drives it is this source's task.
public final class EtcdEndpointSource: EndpointSource {
    public let configuration: EtcdDiscoveryConfiguration
    private let group: any EventLoopGroup
    private let logger: Logger
    private let requests: EtcdRequests
    private let task = SourceTask()

    public init(configuration: EtcdDiscoveryConfiguration, group: any EventLoopGroup, logger: Logger) {
        self.configuration = configuration
        self.group = group
        var logger = logger
        logger[metadataKey: "discovery.etcd.service"] = "\(configuration.service)"
        self.logger = logger
        self.requests = EtcdRequests(prefix: EtcdRequests.kitexPrefix(service: configuration.service, root: configuration.root))
    }

    public func start(onChange: @escaping @Sendable ([WeightedEndpoint]) -> Void) {
        task.start { [self] in await run(EndpointDelivery(onChange)) }
    }

    public func stop() async { await task.stop() }

    private func run(_ delivery: EndpointDelivery) async {
        var delivery = delivery
        var backoff = DiscoveryBackoff(configuration.backoff)
        var generator = SystemRandomNumberGenerator()
        var next = 0
        while !Task.isCancelled, !configuration.endpoints.isEmpty {
            let endpoint = configuration.endpoints[next % configuration.endpoints.count]
            do {
                try await watched(endpoint, delivery: &delivery, backoff: &backoff)
            } catch {
                if Task.isCancelled { break }
                // The first failure of a streak is a warning; the retries behind it are debug noise.
                logger.log(
                    level: backoff.failures == 0 ? .warning : .debug,
                    "etcd lost; keeping the last endpoints",
                    metadata: [
                        "discovery.etcd": "\(endpoint)", "discovery.error": "\(error)",
                        "discovery.kept": "\(delivery.last?.count ?? 0)",
                    ])
            }
            next &+= 1
            try? await Task.sleep(for: backoff.nextDelay(using: &generator))
        }
    }

    /// One session at `endpoint` beside its watchdog: the session ends (by throwing) when the first range is
    /// not answered within `requestTimeout`, or when a probe while watching is not; cancelling it closes its
    /// connection.
    private func watched(
        _ endpoint: Endpoint, delivery: inout EndpointDelivery, backoff: inout DiscoveryBackoff
    ) async throws {
        let ranged = EtcdRangeSeen()
        let (kept, reset) = (delivery, backoff)
        let ends = await withTaskGroup(of: WatchedEnd.self) { group in
            group.addTask { [self] in
                // The session always ends by throwing; what it delivered and reset must outlive it.
                var delivery = kept
                var backoff = reset
                do {
                    try await session(with: endpoint, delivery: &delivery, backoff: &backoff, ranged: ranged)
                    return .session(delivery, backoff, EtcdSourceError("the session ended"))
                } catch {
                    return .session(delivery, backoff, error)
                }
            }
            group.addTask { [self] in
                do {
                    try await watchdog(endpoint, ranged: ranged)
                    return .watchdog(nil)
                } catch {
                    return .watchdog(error)
                }
            }
            var ends: [WatchedEnd] = []
            for await end in group {
                group.cancelAll()
                ends.append(end)
            }
            return ends
        }
        // The first task to end is the cause; the other was cancelled by it.
        var reason: any Error = EtcdSourceError("the session ended")
        for (index, end) in ends.enumerated() {
            switch end {
            case .session(let delivered, let state, let error):
                (delivery, backoff) = (delivered, state)
                if index == 0 { reason = error }
            case .watchdog(let error):
                if index == 0, let error { reason = error }
            }
        }
        throw reason
    }

    /// Throws when the session's first range is unanswered after `requestTimeout`, then every
    /// `probeInterval` asks etcd for a count of the prefix on a connection of its own and throws when that is
    /// unanswered: a watch is silent while nothing changes, so this is what tells a hung etcd from a quiet one.
    private func watchdog(_ endpoint: Endpoint, ranged: EtcdRangeSeen) async throws {
        try await Task.sleep(for: configuration.requestTimeout)
        guard ranged.seen else { throw EtcdSourceError("etcd did not answer the range within \(configuration.requestTimeout)") }
        while true {
            try await Task.sleep(for: configuration.probeInterval)
            try await probe(endpoint)
        }
    }

    /// One count-only range on a new connection, given `requestTimeout` from the connect on.
    private func probe(_ endpoint: Endpoint) async throws {
        let timeout = configuration.requestTimeout
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask { [self] in
                let channel = try await connect(to: endpoint)
                let host = endpoint.description
                try await channel.executeThenClose { inbound, outbound in
                    var parts = inbound.makeAsyncIterator()
                    try await outbound.write(contentsOf: Self.post("/v3/kv/range", host: host, body: requests.count()))
                    _ = try await Self.readBody(&parts, limit: KitexRegistryEntry.maxValueBytes)
                }
                return true
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return false
            }
            defer { group.cancelAll() }
            guard try await group.next() == true else {
                throw EtcdSourceError("etcd did not answer a liveness probe within \(timeout)")
            }
        }
    }

    /// One connection: range, deliver, then watch until the stream ends (always by throwing).
    private func session(
        with endpoint: Endpoint, delivery: inout EndpointDelivery, backoff: inout DiscoveryBackoff, ranged: EtcdRangeSeen
    ) async throws {
        let channel = try await connect(to: endpoint)
        let host = endpoint.description
        let limit = configuration.maxMessageBytes
        try await channel.executeThenClose { inbound, outbound in
            var parts = inbound.makeAsyncIterator()
            try await outbound.write(contentsOf: Self.post("/v3/kv/range", host: host, body: requests.range()))
            let range = try EtcdRangeResponse.parse(try await Self.readBody(&parts, limit: limit))
            ranged.see()
            var state = EtcdRegistryState()
            logSkipped(state.replace(with: range))
            if backoff.failures > 0 { logger.info("etcd reached again", metadata: ["discovery.etcd": "\(endpoint)"]) }
            backoff.reset()
            delivery.offer(state.endpoints)

            let watch = requests.watch(startRevision: state.revision + 1)
            try await outbound.write(contentsOf: Self.post("/v3/watch", host: host, body: watch))
            try await Self.readHead(&parts)
            var lines = NDJSONLines(limit: limit)
            while let part = try await parts.next() {
                guard case .body(let bytes) = part else { throw EtcdSourceError("the watch stream ended") }
                lines.append(bytes)
                while let line = try lines.next() {
                    switch try EtcdWatchMessage.parse(line) {
                    case .created:
                        logger.debug("etcd watch created", metadata: ["discovery.revision": "\(state.revision + 1)"])
                    case .events(let events, let revision):
                        logSkipped(state.apply(events, revision: revision))
                        delivery.offer(state.endpoints)
                    case .canceled(let compactRevision?, _):
                        throw EtcdSourceError("the watch was compacted at revision \(compactRevision)")
                    case .canceled(nil, let reason):
                        throw EtcdSourceError("etcd cancelled the watch: \(reason)")
                    case .failed(let message):
                        throw EtcdSourceError("etcd: \(message)")
                    }
                }
            }
            throw EtcdSourceError("the connection closed")
        }
    }

    private func connect(
        to endpoint: Endpoint
    ) async throws -> NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart> {
        let nanoseconds = DiscoveryBackoff.nanoseconds(configuration.connectTimeout)
        return try await ClientBootstrap(group: group)
            .connectTimeout(.nanoseconds(nanoseconds))
            .connect(host: endpoint.host, port: endpoint.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(
                        wrappingChannelSynchronously: channel)
                }
            }
    }

    private func logSkipped(_ skipped: [EtcdRegistryState.Skipped]) {
        for entry in skipped {
            logger.warning(
                "etcd registry value skipped", metadata: ["discovery.key": "\(entry.key)", "discovery.reason": "\(entry.reason)"])
        }
    }

    private static func post(_ path: String, host: String, body: ByteBuffer) -> [HTTPClientRequestPart] {
        var headers = HTTPHeaders()
        headers.add(name: "host", value: host)
        headers.add(name: "content-type", value: "application/json")
        headers.add(name: "content-length", value: String(body.readableBytes))
        return [.head(HTTPRequestHead(version: .http1_1, method: .POST, uri: path, headers: headers)), .body(.byteBuffer(body)), .end(nil)]
    }

    /// Reads a response head; a status other than 200 throws with the start of the body.
    private static func readHead(
        _ parts: inout NIOAsyncChannelInboundStream<HTTPClientResponsePart>.AsyncIterator
    ) async throws {
        guard case .head(let head) = try await parts.next() else { throw EtcdSourceError("the connection closed") }
        guard head.status == .ok else {
            var body = ByteBuffer()
            while case .body(var bytes) = try await parts.next(), body.readableBytes < 1024 { body.writeBuffer(&bytes) }
            throw EtcdSourceError("HTTP \(head.status.code): \(String(buffer: body).prefix(200))")
        }
    }

    /// Reads a whole response body (at most `limit` bytes) after a 200 head.
    private static func readBody(
        _ parts: inout NIOAsyncChannelInboundStream<HTTPClientResponsePart>.AsyncIterator, limit: Int
    ) async throws -> ByteBuffer {
        try await readHead(&parts)
        var body = ByteBuffer()
        while let part = try await parts.next() {
            switch part {
            case .head: throw EtcdSourceError("a second response head")
            case .body(var bytes):
                guard body.readableBytes + bytes.readableBytes <= limit else {
                    throw EtcdSourceError("a response is longer than \(limit) bytes")
                }
                body.writeBuffer(&bytes)
            case .end: return body
            }
        }
        throw EtcdSourceError("the connection closed")
    }
}

/// How one of a session's two tasks ended: the session with what it delivered, or its watchdog.
private enum WatchedEnd: Sendable {
    case session(EndpointDelivery, DiscoveryBackoff, any Error)
    case watchdog((any Error)?)
}

/// Whether a session's first range was answered, for its watchdog on another task.
private final class EtcdRangeSeen: Sendable {
    private let flag = Atomic<Bool>(false)
    var seen: Bool { flag.load(ordering: .acquiring) }
    func see() { flag.store(true, ordering: .releasing) }
}

/// Why the source let go of an etcd connection.
struct EtcdSourceError: Error, Sendable, Hashable, CustomStringConvertible {
    var message: String

    init(_ message: String) { self.message = message }

    var description: String { message }
}
