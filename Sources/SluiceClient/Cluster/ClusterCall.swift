internal import NIOCore

/// One call through a cluster: its attempts, retries and hedges, on one event loop.
///
/// The first attempt goes to the balancer's pick; a failed one is retried when the ``RetryPolicy`` and the
/// service's ``RetryBudget`` say so, after its backoff (a task scheduled on the loop), on an endpoint not
/// tried yet when one exists; a slow one is hedged when a ``HedgePolicy`` is set. The first answer wins and
/// the other attempts are cancelled (their seq ids released). Every attempt's timeout is the smaller of
/// `per_try_timeout` and what is left of the call's, and that is what the backend is told (TTHeader's
/// RPCTimeout key, which the connection writes from the attempt's `timeout`).
///
/// `@unchecked Sendable`: confined to its loop state's event loop; the callbacks that capture it (attempt
/// completions, timers, which all run on that loop) and the caller's cancellation (which hops there first)
/// are its only entry points.
final class ClusterCall: @unchecked Sendable {
    private let state: ClusterLoopState
    private let cluster: ServiceCluster
    private let promise: EventLoopPromise<ThriftReply>
    private let template: OutboundCall
    private let deadline: CallDeadline
    private let retry: RetryPolicy?
    private let hedge: HedgePolicy?
    private let hashKey: UInt64?
    private var tried = TriedEndpoints()
    private var attempts = 0
    private var inFlight = 0
    private var waitingToRetry = false
    private var done = false
    private var lastError: ClientError?
    /// Hedged calls only: each attempt's own cancellation, so the losers can be cancelled one by one.
    private var attemptCancellations: [CallCancellation] = []
    private var hedgeTimer: Scheduled<Void>?
    private var hedgesSent = 0

    init(
        state: ClusterLoopState, cluster: ServiceCluster, call: OutboundCall, policy: CallPolicyOverride?,
        hashKey: UInt64?, promise: EventLoopPromise<ThriftReply>, now: NIODeadline
    ) {
        self.state = state
        self.cluster = cluster
        self.promise = promise
        self.template = call
        self.deadline = CallDeadline(start: now, timeout: call.timeout)
        self.retry = policy?.retry ?? cluster.configuration.retry
        self.hedge = call.oneway ? nil : policy?.hedge ?? cluster.configuration.hedge
        self.hashKey = hashKey
    }

    /// Runs on the state's loop.
    func start(now: NIODeadline) {
        cluster.budget.requestStarted()
        if hedge != nil, let cancellation = template.cancellation {
            let loop = state.eventLoop
            cancellation.onCancel { loop.execute { self.cancelAttempts() } }
        }
        guard let index = state.pick(hashKey: hashKey, excluding: tried, now: now) else {
            finish(.failure(cluster.unavailableError(state.members)))
            return
        }
        send(to: index, budgetedRetry: false, now: now)
        armHedge()
    }

    private func send(to index: Int, budgetedRetry: Bool, now: NIODeadline) {
        guard let timeout = deadline.attemptTimeout(perTry: retry?.perTryTimeout, at: now) else {
            if budgetedRetry { cluster.budget.retryFinished() }
            let timedOut = ClientError(.requestTimeout, "\(cluster.serviceName): no time left for another attempt")
            finish(.failure(lastError ?? timedOut))
            return
        }
        tried.insert(index)
        attempts += 1
        inFlight += 1
        state.started(index)
        let members = state.members
        let handle = members.handles[index]
        var attempt = template
        attempt.deadline = now + timeout
        attempt.timeout = timeout
        if hedge != nil {
            let cancellation = CallCancellation()
            attemptCancellations.append(cancellation)
            attempt.cancellation = cancellation
        }
        let attemptPromise = state.eventLoop.makePromise(of: ThriftReply.self)
        handle.transport.send(attempt, promise: attemptPromise)
        attemptPromise.futureResult.whenComplete { result in
            self.ended(result, handle: handle, index: index, members: members, startedAt: now, budgetedRetry: budgetedRetry)
        }
    }

    private func ended(
        _ result: Result<ThriftReply, any Error>, handle: EndpointHandle, index: Int, members: ClusterMembers,
        startedAt: NIODeadline, budgetedRetry: Bool
    ) {
        let now = NIODeadline.now()
        inFlight -= 1
        if budgetedRetry { cluster.budget.retryFinished() }
        let latency = now - startedAt
        switch result {
        case .success(let reply):
            state.ended(handle, index: index, in: members, outcome: .success, latency: latency, now: now)
            if !done { state.digest.record(latency, now: now) }
            finish(.success(reply))
        case .failure(let thrown):
            let error = Self.clientError(thrown, handle: handle)
            let failure = AttemptFailure(error.kind, requestWritten: error.requestWritten)
            state.ended(
                handle, index: index, in: members, outcome: failure.map { AttemptOutcome.failure($0) },
                latency: latency, now: now)
            attemptFailed(error, failure, now: now)
        }
    }

    private func attemptFailed(_ error: ClientError, _ failure: AttemptFailure?, now: NIODeadline) {
        guard !done else { return }
        lastError = error
        // A hedged sibling may still answer, or a retry is already on its way.
        guard inFlight == 0, !waitingToRetry else { return }
        guard let failure, let retry, template.cancellation?.isCancelled != true else {
            finish(.failure(error))
            return
        }
        switch retry.decide(
            .failure(failure), attempt: attempts, deadline: deadline, budget: cluster.budget, now: now,
            using: &state.random)
        {
        case .stop:
            finish(.failure(error))
        case .retry(let delay):
            waitingToRetry = true
            state.eventLoop.scheduleTask(in: delay) { self.retryNow() }
        }
    }

    /// The backoff is over; the budget already counts this retry.
    private func retryNow() {
        waitingToRetry = false
        guard !done else {
            cluster.budget.retryFinished()
            return
        }
        let now = NIODeadline.now()
        guard template.cancellation?.isCancelled != true,
            let index = state.pick(hashKey: hashKey, excluding: tried, now: now)
        else {
            cluster.budget.retryFinished()
            if template.cancellation?.isCancelled == true {
                finish(.failure(ClientError(.cancelled, "\(cluster.serviceName): the caller gave up")))
            } else {
                finish(.failure(lastError ?? cluster.unavailableError(state.members)))
            }
            return
        }
        send(to: index, budgetedRetry: true, now: now)
    }

    // MARK: Hedging

    private func armHedge() {
        guard let hedge, hedgesSent < hedge.maxExtra, let delay = hedge.hedgeDelay(recent: state.digest) else { return }
        hedgeTimer = state.eventLoop.scheduleTask(in: delay) { self.sendHedge() }
    }

    private func sendHedge() {
        hedgeTimer = nil
        guard !done, inFlight > 0, !waitingToRetry, template.cancellation?.isCancelled != true else { return }
        let now = NIODeadline.now()
        // A backup to an endpoint already waiting on this call would only double its load.
        guard let index = state.pick(hashKey: hashKey, excluding: tried, now: now), !tried.contains(index) else { return }
        hedgesSent += 1
        send(to: index, budgetedRetry: false, now: now)
        armHedge()
    }

    private func cancelAttempts() {
        for cancellation in attemptCancellations { cancellation.cancel() }
    }

    // MARK: Ending

    private func finish(_ result: Result<ThriftReply, ClientError>) {
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
    private static func clientError(_ error: any Error, handle: EndpointHandle) -> ClientError {
        guard let error = error as? ClientError else { return ClientError(.protocolError, "\(error)") }
        if error.kind == .shutdown, handle.isRetired {
            return ClientError(.noEndpoints, "\(handle.endpoint) was removed from the service", requestWritten: false)
        }
        return error
    }
}
