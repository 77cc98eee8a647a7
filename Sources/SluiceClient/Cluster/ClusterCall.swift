internal import NIOCore

/// One call through a cluster: its attempts, retries and hedges, on one event loop.
///
/// The first attempt goes to the balancer's pick; a failed one is retried when the ``RetryPolicy`` and the
/// service's ``RetryBudget`` say so, after its backoff (a task scheduled on the loop), on an endpoint not
/// tried yet when one exists; a slow one is hedged when a ``HedgePolicy`` is set. The first answer wins and
/// the other attempts are cancelled (their seq ids or streams released). Every attempt's timeout is the smaller
/// of `per_try_timeout` and what is left of the call's, and that is what the backend is told (TTHeader's
/// RPCTimeout key, `grpc-timeout`, which the transports write from the attempt's timeout).
///
/// A reply can be a failed attempt too (``ClusterWire/failure(of:)``: a gRPC status): it is reported like an
/// error and retried when the policy says so; otherwise the caller gets the reply, not an error.
///
/// `@unchecked Sendable`: confined to its loop state's event loop; the callbacks that capture it (attempt
/// completions, timers, which all run on that loop) and the caller's cancellation (which hops there first)
/// are its only entry points.
final class ClusterCall<Wire: ClusterWire>: @unchecked Sendable {
    private let state: ClusterLoopState<Wire>
    private let cluster: EndpointCluster<Wire>
    private let promise: EventLoopPromise<Wire.Reply>
    private let template: Wire.Call
    private let cancellation: CallCancellation?
    private let deadline: CallDeadline
    private let retry: RetryPolicy?
    private let hedge: HedgePolicy?
    private let hashKey: UInt64?
    private var tried = TriedEndpoints()
    private var attempts = 0
    private var inFlight = 0
    private var waitingToRetry = false
    private var done = false
    /// The last failed attempt's error, or its reply when a reply was the failure.
    private var lastFailure: Result<Wire.Reply, ClientError>?
    /// Hedged calls only: each attempt's own cancellation, so the losers can be cancelled one by one.
    private var attemptCancellations: [CallCancellation] = []
    private var hedgeTimer: Scheduled<Void>?
    /// A retry's backoff, cancelled when the caller gives up meanwhile.
    private var backoffTimer: Scheduled<Void>?
    /// Whether the caller's cancellation reaches this call (registered for hedged calls, and for a call once
    /// it first waits to retry: most calls never register).
    private var watchingCancellation = false
    private var hedgesSent = 0
    /// Whether an attempt has already been made again because its endpoint left before it was sent.
    private var pickedAgain = false

    init(
        state: ClusterLoopState<Wire>, cluster: EndpointCluster<Wire>, call: Wire.Call, policy: CallPolicyOverride?,
        hashKey: UInt64?, promise: EventLoopPromise<Wire.Reply>, now: NIODeadline
    ) {
        self.state = state
        self.cluster = cluster
        self.promise = promise
        self.template = call
        self.cancellation = Wire.cancellation(of: call)
        self.deadline = CallDeadline(start: now, timeout: Wire.timeout(of: call))
        let retry = policy?.retry ?? cluster.configuration.retry
        if Wire.mayRetry(call) {
            self.retry = retry
        } else if Wire.mayRetryUnsent(call), var unsentOnly = retry {
            unsentOnly.idempotent = false  // a failure after anything went out is not retried
            self.retry = unsentOnly
        } else {
            self.retry = nil
        }
        self.hedge = Wire.mayHedge(call) ? policy?.hedge ?? cluster.configuration.hedge : nil
        self.hashKey = hashKey
    }

    /// Runs on the state's loop.
    func start(now: NIODeadline) {
        cluster.budget.requestStarted()
        if hedge != nil { watchCancellation() }
        guard let index = state.pick(hashKey: hashKey, excluding: tried, now: now) else {
            finish(.failure(cluster.unavailableError(state.members)))
            return
        }
        send(to: index, budgetedRetry: false, kind: .first, now: now)
        armHedge()
    }

    private func send(to index: Int, budgetedRetry: Bool, kind: AttemptKind, now: NIODeadline) {
        guard let timeout = deadline.attemptTimeout(perTry: retry?.perTryTimeout, at: now) else {
            if budgetedRetry { cluster.budget.retryFinished() }
            let timedOut = ClientError(.requestTimeout, "\(cluster.serviceName): no time left for another attempt")
            finish(lastFailure ?? .failure(timedOut))
            return
        }
        tried.insert(index)
        attempts += 1
        inFlight += 1
        state.started(index, kind: kind)
        let members = state.members
        let handle = members.handles[index]
        var own: CallCancellation?
        if hedge != nil {
            let cancellation = CallCancellation()
            attemptCancellations.append(cancellation)
            own = cancellation
        }
        let attempt = Wire.attempt(of: template, deadline: now + timeout, timeout: timeout, cancellation: own)
        let attemptPromise = state.eventLoop.makePromise(of: Wire.Reply.self)
        Wire.send(attempt, on: handle.transport, promise: attemptPromise)
        attemptPromise.futureResult.whenComplete { result in
            self.ended(result, handle: handle, index: index, members: members, startedAt: now, budgetedRetry: budgetedRetry)
        }
    }

    private func ended(
        _ result: Result<Wire.Reply, any Error>, handle: ClusterEndpoint<Wire>, index: Int, members: ClusterMemberSet<Wire>,
        startedAt: NIODeadline, budgetedRetry: Bool
    ) {
        let now = NIODeadline.now()
        let latency = now - startedAt
        if case .failure(let thrown) = result, !pickedAgain, Self.removedBeforeSent(thrown, handle: handle) {
            state.ended(handle, index: index, in: members, outcome: nil, latency: latency, now: now)
            return pickAgainAfterRemoval(budgetedRetry: budgetedRetry)
        }
        inFlight -= 1
        if budgetedRetry { cluster.budget.retryFinished() }
        switch result {
        case .success(var reply):
            Wire.note(&reply, endpoint: handle.label, attempts: attempts)
            if let failure = Wire.failure(of: reply) {
                state.ended(handle, index: index, in: members, outcome: .failure(failure), latency: latency, now: now)
                return replyFailed(reply, failure, now: now)
            }
            state.ended(handle, index: index, in: members, outcome: .success, latency: latency, now: now)
            // A stream's length is not a call's latency: it would only stretch the hedge delay's percentile.
            if !done, Wire.mayRetry(template) { state.digest.record(latency, now: now) }
            finish(.success(reply))
        case .failure(let thrown):
            let error = Self.clientError(thrown, handle: handle)
            let failure = AttemptFailure(error.kind, requestWritten: error.requestWritten)
            state.ended(
                handle, index: index, in: members, outcome: failure.map { AttemptOutcome.failure($0) },
                latency: latency, now: now)
            attemptFailed(.failure(error), failure, now: now)
        }
    }

    /// The loop picked from the set a discovery delivery was replacing, and the endpoint drained before this
    /// attempt reached it: nothing was sent, so it is not an attempt that failed but one that never happened.
    /// It is made again once, without counting as a retry, after the loop has installed the new set (the
    /// delivery queued that task before it retired the endpoint, so a task queued now runs after it).
    private func pickAgainAfterRemoval(budgetedRetry: Bool) {
        pickedAgain = true
        attempts -= 1
        if attempts == 0 { tried = TriedEndpoints() }
        // Still in flight meanwhile, so a sibling's failure waits for it and a hedge may still go.
        state.eventLoop.execute {
            self.inFlight -= 1
            let now = NIODeadline.now()
            guard !self.done, self.cancellation?.isCancelled != true,
                let index = self.state.pick(hashKey: self.hashKey, excluding: self.tried, now: now)
            else {
                if budgetedRetry { self.cluster.budget.retryFinished() }
                let error =
                    self.cancellation?.isCancelled == true
                    ? self.cancelledError : self.cluster.unavailableError(self.state.members)
                self.attemptFailed(.failure(error), nil, now: now)
                return
            }
            self.send(to: index, budgetedRetry: budgetedRetry, kind: budgetedRetry ? .retry : .first, now: now)
        }
    }

    /// A reply that is a failed attempt: the service's own answer (not the endpoint's failure, and not one
    /// the policy retries) ends the call at once; any other waits for a sibling or is retried as an error is.
    private func replyFailed(_ reply: Wire.Reply, _ failure: AttemptFailure, now: NIODeadline) {
        let retried = retry?.conditions.contains { $0.matches(failure.kind) } ?? false
        guard failure.isEndpointFailure || retried else { return finish(.success(reply)) }
        attemptFailed(.success(reply), failure, now: now)
    }

    private func attemptFailed(_ result: Result<Wire.Reply, ClientError>, _ failure: AttemptFailure?, now: NIODeadline) {
        guard !done else { return }
        lastFailure = result
        // A hedged sibling may still answer, or a retry is already on its way.
        guard inFlight == 0, !waitingToRetry else { return }
        guard let failure, let retry, cancellation?.isCancelled != true else {
            finish(result)
            return
        }
        switch retry.decide(
            .failure(failure), attempt: attempts, deadline: deadline, budget: cluster.budget, now: now,
            using: &state.random)
        {
        case .stop:
            finish(result)
        case .retry(let delay):
            waitingToRetry = true
            backoffTimer = state.eventLoop.scheduleTask(in: delay) { self.retryNow() }
            watchCancellation()
        }
    }

    /// The backoff is over; the budget already counts this retry.
    private func retryNow() {
        waitingToRetry = false
        backoffTimer = nil
        guard !done else {
            cluster.budget.retryFinished()
            return
        }
        let now = NIODeadline.now()
        guard cancellation?.isCancelled != true,
            let index = state.pick(hashKey: hashKey, excluding: tried, now: now)
        else {
            cluster.budget.retryFinished()
            if cancellation?.isCancelled == true {
                finish(.failure(cancelledError))
            } else {
                finish(lastFailure ?? .failure(cluster.unavailableError(state.members)))
            }
            return
        }
        send(to: index, budgetedRetry: true, kind: .retry, now: now)
    }

    // MARK: Hedging

    private func armHedge() {
        guard let hedge, hedgesSent < hedge.maxExtra, let delay = hedge.hedgeDelay(recent: state.digest) else { return }
        hedgeTimer = state.eventLoop.scheduleTask(in: delay) { self.sendHedge() }
    }

    private func sendHedge() {
        hedgeTimer = nil
        guard !done, inFlight > 0, !waitingToRetry, cancellation?.isCancelled != true else { return }
        let now = NIODeadline.now()
        // A backup to an endpoint already waiting on this call would only double its load.
        guard let index = state.pick(hashKey: hashKey, excluding: tried, now: now), !tried.contains(index),
            deadline.attemptTimeout(perTry: retry?.perTryTimeout, at: now) != nil
        else { return }
        // A backup is extra load as a retry is: when the whole service turns slow, every call would hedge and
        // double it. The budget keeps backups, like retries, to its share of the calls in flight.
        guard cluster.budget.tryStartRetry(now: now) else { return }
        hedgesSent += 1
        send(to: index, budgetedRetry: true, kind: .hedge, now: now)
        armHedge()
    }

    private func cancelAttempts() {
        for cancellation in attemptCancellations { cancellation.cancel() }
    }

    // MARK: The caller giving up

    private func watchCancellation() {
        guard !watchingCancellation, let cancellation else { return }
        watchingCancellation = true
        let loop = state.eventLoop
        cancellation.onCancel { loop.execute { self.callerCancelled() } }
    }

    /// On the loop: hedged attempts are cancelled one by one, and a retry waiting out its backoff ends now
    /// rather than when the wait is over.
    private func callerCancelled() {
        cancelAttempts()
        guard waitingToRetry, !done else { return }
        backoffTimer?.cancel()
        backoffTimer = nil
        waitingToRetry = false
        cluster.budget.retryFinished()
        finish(.failure(cancelledError))
    }

    private var cancelledError: ClientError { ClientError(.cancelled, "\(cluster.serviceName): the caller gave up") }

    // MARK: Ending

    private func finish(_ result: Result<Wire.Reply, ClientError>) {
        guard !done else { return }
        done = true
        hedgeTimer?.cancel()
        hedgeTimer = nil
        cluster.budget.requestFinished()
        // The losers: their connections drop the late replies and free the seq ids.
        if inFlight > 0 { cancelAttempts() }
        switch result {
        case .success(let reply): promise.succeed(reply)
        case .failure(let error): promise.fail(error)
        }
    }

    /// A removed endpoint whose transport drained before this attempt reached it did not take the call.
    private static func removedBeforeSent(_ error: any Error, handle: ClusterEndpoint<Wire>) -> Bool {
        (error as? ClientError)?.kind == .shutdown && handle.isRetired
    }

    private static func clientError(_ error: any Error, handle: ClusterEndpoint<Wire>) -> ClientError {
        guard let error = error as? ClientError else { return ClientError(.protocolError, "\(error)") }
        if removedBeforeSent(error, handle: handle) {
            return ClientError(.noEndpoints, "\(handle.endpoint) was removed from the service", requestWritten: false)
        }
        return error
    }
}
