// Hand-written: no maintained Swift package offers outlier ejection or health-check hysteresis outside a
// proxy (Envoy, Finagle) or a whole RPC stack; grpc-swift-2 has neither.
public import NIOCore

/// Ejects endpoints whose attempts keep failing, as Envoy's outlier detection does: `consecutiveFailures`
/// failed attempts in a row (checked on each report) or a failure ratio over an interval (checked on each
/// ``evaluate(now:)`` tick) eject an endpoint for `baseEjection` × its multiplier, which grows by one per
/// ejection up to `maxEjection` and shrinks by one on each tick once the endpoint has been back for an
/// interval. Ejection is refused when it would take more than `maxEjectionPercent` of the endpoints out.
///
/// The cluster applies the returned events to its balancers. A value with no lock: the cluster keeps one per
/// event loop beside that loop's balancer, so each loop ejects from what it sees (a dead endpoint is ejected
/// after `consecutiveFailures` failures on each loop, and the percentage holds on every loop), or one per
/// service behind a `Mutex` where one shared view is worth a lock per attempt.
public struct OutlierDetector: Sendable, Hashable {
    struct EndpointState: Sendable, Hashable {
        var consecutiveFailures = 0
        /// Attempts and failures since the last tick, for the failure ratio.
        var requests = 0
        var failures = 0
        var ejectedUntil: NIODeadline?
        /// Envoy's eject-time backoff: the next ejection lasts base × (this + 1), capped.
        var multiplier = 0
        var restoredAt: NIODeadline?
    }

    public let policy: OutlierPolicy
    private var endpoints: [EndpointState]
    public private(set) var ejectedCount = 0
    /// The earliest `ejectedUntil`, so a report skips the scan while nothing is due.
    private var nextRestore: NIODeadline?

    public init(policy: OutlierPolicy, endpointCount: Int) {
        self.policy = policy
        self.endpoints = Array(repeating: EndpointState(), count: max(0, endpointCount))
    }

    public var endpointCount: Int { endpoints.count }

    public func isEjected(_ index: Int) -> Bool {
        endpoints.indices.contains(index) && endpoints[index].ejectedUntil != nil
    }

    /// When `index`'s ejection ends; nil when it is in rotation.
    public func ejectedUntil(_ index: Int) -> NIODeadline? {
        endpoints.indices.contains(index) ? endpoints[index].ejectedUntil : nil
    }

    /// The multiplier the endpoint's last ejection used (0 when never ejected or fully decayed).
    public func ejectionMultiplier(_ index: Int) -> Int {
        endpoints.indices.contains(index) ? endpoints[index].multiplier : 0
    }

    /// One attempt on `index` ended. Restores endpoints whose time is up, then counts the outcome (late
    /// answers from an ejected endpoint are not counted); a failure that completes the consecutive run ejects.
    public mutating func report(_ outcome: AttemptOutcome, endpoint index: Int, now: NIODeadline) -> [OutlierEvent] {
        var events = restoreDue(now: now)
        guard endpoints.indices.contains(index), endpoints[index].ejectedUntil == nil else { return events }
        endpoints[index].requests += 1
        guard case .failure(let failure) = outcome, failure.isEndpointFailure else {
            endpoints[index].consecutiveFailures = 0
            return events
        }
        endpoints[index].failures += 1
        endpoints[index].consecutiveFailures += 1
        // `>=`, not Envoy's `==`: a run that hit the percentage cap ejects once room frees up.
        if let threshold = policy.consecutiveFailures, endpoints[index].consecutiveFailures >= threshold,
            let event = eject(index, now: now)
        {
            events.append(event)
        }
        return events
    }

    /// The interval tick: restores endpoints whose time is up, decays the multipliers of endpoints back for
    /// an interval, ejects by failure ratio, and starts a new interval's counts.
    public mutating func evaluate(now: NIODeadline) -> [OutlierEvent] {
        var events = restoreDue(now: now)
        for index in endpoints.indices where endpoints[index].ejectedUntil == nil {
            if endpoints[index].multiplier > 0, let restoredAt = endpoints[index].restoredAt,
                now - restoredAt >= policy.interval
            {
                endpoints[index].multiplier -= 1
            }
        }
        if let ratio = policy.failureRatio {
            for index in endpoints.indices where endpoints[index].ejectedUntil == nil {
                let state = endpoints[index]
                guard state.requests >= policy.minimumRequests,
                    Double(state.failures) >= ratio * Double(state.requests)
                else { continue }
                if let event = eject(index, now: now) { events.append(event) }
            }
        }
        for index in endpoints.indices {
            endpoints[index].requests = 0
            endpoints[index].failures = 0
        }
        return events
    }

    /// The detector for a new endpoint list: `oldIndex[i]` is the old index of new endpoint `i`, nil for a new
    /// one. Endpoints that stay keep their counts and ejections; removed ones are forgotten (no event).
    public func remapped(oldIndex: [Int?]) -> OutlierDetector {
        var next = OutlierDetector(policy: policy, endpointCount: oldIndex.count)
        for (new, old) in oldIndex.enumerated() {
            guard let old, endpoints.indices.contains(old) else { continue }
            next.endpoints[new] = endpoints[old]
        }
        next.ejectedCount = next.endpoints.count(where: { $0.ejectedUntil != nil })
        next.nextRestore = next.endpoints.compactMap(\.ejectedUntil).min()
        return next
    }

    private mutating func eject(_ index: Int, now: NIODeadline) -> OutlierEvent? {
        let allowed =
            (ejectedCount + 1) * 100 <= policy.maxEjectionPercent * endpoints.count
            || (policy.alwaysEjectOne && ejectedCount == 0)
        guard allowed else { return nil }
        let base = policy.baseEjection.nanoseconds
        let cap = max(base, policy.maxEjection.nanoseconds)
        // Stop growing once the cap is reached, as Envoy does, so decay starts from the cap.
        if base.multipliedReportingOverflow(by: Int64(endpoints[index].multiplier)).partialValue < cap {
            endpoints[index].multiplier += 1
        }
        let (product, overflow) = base.multipliedReportingOverflow(by: Int64(endpoints[index].multiplier))
        let until = now + .nanoseconds(overflow ? cap : min(product, cap))
        endpoints[index].ejectedUntil = until
        endpoints[index].consecutiveFailures = 0
        ejectedCount += 1
        nextRestore = min(nextRestore ?? until, until)
        return .ejected(index: index, until: until)
    }

    private mutating func restoreDue(now: NIODeadline) -> [OutlierEvent] {
        guard let due = nextRestore, due <= now else { return [] }
        var events: [OutlierEvent] = []
        nextRestore = nil
        for index in endpoints.indices {
            guard let until = endpoints[index].ejectedUntil else { continue }
            guard until <= now else {
                nextRestore = min(nextRestore ?? until, until)
                continue
            }
            // Counts restart so a few new failures on top of old ones do not eject again at once.
            endpoints[index] = EndpointState(multiplier: endpoints[index].multiplier, restoredAt: now)
            ejectedCount -= 1
            events.append(.restored(index: index))
        }
        return events
    }
}

/// What the cluster applies to its balancers.
public enum OutlierEvent: Sendable, Hashable {
    case ejected(index: Int, until: NIODeadline)
    case restored(index: Int)
}
