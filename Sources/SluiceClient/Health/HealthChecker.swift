public import Logging
public import NIOCore
internal import NIOSSL

/// Active health checks of one service's endpoints: each endpoint is probed every `interval` (the next probe
/// is due an interval after the last one started, or as soon as it ends when it took longer), each result
/// goes to its ``HealthCheckState``, and the transitions that causes are reported, for the cluster to mark
/// the endpoint up or down in every loop's balancer.
///
/// One checker per service, not per loop, so a backend sees one probe per interval per gateway. It runs on
/// one event loop with scheduled tasks; its methods may be called from any thread. Endpoints start healthy
/// (see ``HealthCheckState``) and are first probed as soon as they are added.
public final class HealthChecker: Sendable {
    private struct Probed {
        /// Tells this endpoint's probes from those of an earlier add of the same address.
        var generation: Int
        var health = HealthCheckState()
        var probes = 0
        var timer: Scheduled<Void>?
        var attempt: ProbeAttempt?
    }

    private struct State {
        var endpoints: [Endpoint: Probed] = [:]
        var generations = 0
        /// Probes not yet ended, removed endpoints' included, by generation: what `stop()` waits for.
        var inFlight: [Int: EventLoopFuture<Void>] = [:]
        var isStopped = false
    }

    /// How one endpoint stands, for tests and the admin view.
    public struct Status: Sendable, Hashable {
        public var isHealthy: Bool
        /// Probes ended since the endpoint was added.
        public var probes: Int
    }

    public let policy: HealthCheckPolicy
    public let eventLoop: any EventLoop
    private let probe: HealthProbe
    private let tlsContext: Result<NIOSSLContext, ClientError>?
    private let logger: Logger
    private let onTransition: @Sendable (Endpoint, _ healthy: Bool) -> Void
    private let state: NIOLoopBoundBox<State>

    /// - Parameter onTransition: called on `eventLoop` when an endpoint goes down (false) or comes back (true).
    public init(
        policy: HealthCheckPolicy, probe: HealthProbe, eventLoop: any EventLoop, logger: Logger,
        onTransition: @escaping @Sendable (Endpoint, _ healthy: Bool) -> Void
    ) {
        self.policy = policy
        self.probe = probe
        self.eventLoop = eventLoop
        self.logger = logger
        self.onTransition = onTransition
        // Built once: loading certificates and trust roots per probe would cost more than the probe.
        if case .grpcHealth = probe.kind {
            self.tlsContext = probe.tls?.makeConnectionContext(applicationProtocols: ["h2"])
        } else {
            self.tlsContext = probe.tls?.makeConnectionContext()
        }
        self.state = .makeBoxSendingValue(State(), eventLoop: eventLoop)
    }

    /// Starts probing `endpoint`; nothing when it is already probed or the checker is stopped.
    public func add(_ endpoint: Endpoint) {
        onLoop { $0.added(endpoint) }
    }

    /// Stops probing `endpoint`, closing its probe in flight; its transitions stop with it.
    public func remove(_ endpoint: Endpoint) {
        onLoop { $0.removed(endpoint) }
    }

    /// Every endpoint probed now, with its standing.
    public func statuses() -> EventLoopFuture<[Endpoint: Status]> {
        eventLoop.submit {
            self.state.value.endpoints.mapValues { Status(isHealthy: $0.health.isHealthy, probes: $0.probes) }
        }
    }

    /// Cancels every timer and closes every probe connection; the future completes once every probe has
    /// ended, after which nothing of the checker runs. Later adds are ignored.
    public func stop() -> EventLoopFuture<Void> {
        eventLoop.flatSubmit {
            self.state.value.isStopped = true
            for endpoint in Array(self.state.value.endpoints.keys) { self.removed(endpoint) }
            let inFlight = Array(self.state.value.inFlight.values)
            return EventLoopFuture.andAllComplete(inFlight, on: self.eventLoop)
        }
    }

    /// Probes and timers not yet ended; zero once `stop()` completed.
    var pendingWork: EventLoopFuture<Int> {
        eventLoop.submit {
            self.state.value.inFlight.count + self.state.value.endpoints.values.filter { $0.timer != nil }.count
        }
    }

    private func onLoop(_ body: @escaping @Sendable (HealthChecker) -> Void) {
        if eventLoop.inEventLoop { return body(self) }
        eventLoop.execute { body(self) }
    }

    private func added(_ endpoint: Endpoint) {
        guard !state.value.isStopped, state.value.endpoints[endpoint] == nil else { return }
        state.value.generations += 1
        state.value.endpoints[endpoint] = Probed(generation: state.value.generations)
        startProbe(endpoint)
    }

    private func removed(_ endpoint: Endpoint) {
        guard let probed = state.value.endpoints.removeValue(forKey: endpoint) else { return }
        probed.timer?.cancel()
        probed.attempt?.cancel()
    }

    private func startProbe(_ endpoint: Endpoint) {
        guard var probed = state.value.endpoints[endpoint] else { return }
        let generation = probed.generation
        let attempt = ProbeAttempt(eventLoop: eventLoop)
        probed.timer = nil
        probed.attempt = attempt
        state.value.endpoints[endpoint] = probed
        let started = NIODeadline.now()
        let passed = probe.run(
            endpoint, timeout: policy.timeout, tlsContext: tlsContext, on: eventLoop, attempt: attempt,
            logger: logger)
        state.value.inFlight[generation] = passed.map { _ in }
        passed.whenSuccess { passed in
            self.probeEnded(endpoint, generation: generation, passed: passed, started: started)
        }
    }

    private func probeEnded(_ endpoint: Endpoint, generation: Int, passed: Bool, started: NIODeadline) {
        state.value.inFlight.removeValue(forKey: generation)
        // A removed endpoint (or one removed and added again) takes no result from this probe.
        guard var probed = state.value.endpoints[endpoint], probed.generation == generation else { return }
        probed.attempt = nil
        probed.probes += 1
        let transition = probed.health.record(passed: passed, policy: policy)
        probed.timer = eventLoop.scheduleTask(deadline: max(started + policy.interval, .now())) {
            self.startProbe(endpoint)
        }
        state.value.endpoints[endpoint] = probed
        switch transition {
        case .markedDown?:
            logger.warning("endpoint failed its health checks", metadata: ["endpoint": "\(endpoint)"])
            onTransition(endpoint, false)
        case .markedUp?:
            logger.info("endpoint passed its health checks again", metadata: ["endpoint": "\(endpoint)"])
            onTransition(endpoint, true)
        case nil:
            break
        }
    }
}
