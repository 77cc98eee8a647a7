// Hand-written: no maintained Swift package offers retry policies, budgets and hedging apart from a whole RPC
// stack (grpc-swift-2 keeps its retry executor and throttle internal to its own calls and transports).
public import NIOCore

/// When a failed attempt is tried again: a service's or route's `retry:` setting.
public struct RetryPolicy: Sendable, Hashable {
    /// Attempts in all, the first included; default 1 (no retry).
    public var maxAttempts: Int
    /// Each attempt's own timeout inside the call's overall one; nil (the default) lets an attempt run until
    /// the overall timeout.
    public var perTryTimeout: TimeAmount?
    public var backoff: RetryBackoff
    /// The failures that may be retried (`on:`); default `[connect_failure, unavailable]`, which are safe for
    /// any call because the backend never saw the request.
    public var conditions: [RetryCondition]
    public var budget: RetryBudget.Configuration
    /// Whether a call may run twice: when false (the default) only failures before the request was written
    /// are retried.
    public var idempotent: Bool

    public init(
        maxAttempts: Int = 1,
        perTryTimeout: TimeAmount? = nil,
        backoff: RetryBackoff = RetryBackoff(),
        conditions: [RetryCondition] = [.connectFailure, .unavailable],
        budget: RetryBudget.Configuration = RetryBudget.Configuration(),
        idempotent: Bool = false
    ) {
        self.maxAttempts = maxAttempts
        self.perTryTimeout = perTryTimeout
        self.backoff = backoff
        self.conditions = conditions
        self.budget = budget
        self.idempotent = idempotent
    }

    public func validate() throws(PolicyError) {
        guard maxAttempts >= 1 else {
            throw PolicyError(field: "retry.max_attempts", "must be at least 1 (1 means no retry), not \(maxAttempts)")
        }
        if let perTryTimeout, perTryTimeout <= .zero {
            throw PolicyError(field: "retry.per_try_timeout", "must be positive")
        }
        guard backoff.base > .zero else { throw PolicyError(field: "retry.backoff.base", "must be positive") }
        guard backoff.max >= backoff.base else {
            throw PolicyError(field: "retry.backoff.max", "must be at least backoff.base")
        }
        try budget.validate()
    }

    /// Whether the call tries again after `outcome` ended attempt number `attempt` (1 for the first).
    ///
    /// Checks, in order: success, the `on` conditions, the written rule, `maxAttempts`, the deadline (the
    /// backoff wait must leave time for another attempt), and last the budget, because a yes starts a retry
    /// on it: the caller calls `budget.retryFinished()` when that retry ends. The wait is drawn from `rng`.
    public func decide(
        _ outcome: AttemptOutcome,
        attempt: Int,
        deadline: CallDeadline? = nil,
        budget: RetryBudget? = nil,
        now: NIODeadline,
        using rng: inout some RandomNumberGenerator
    ) -> RetryDecision {
        guard case .failure(let failure) = outcome else { return .stop(.succeeded) }
        guard conditions.contains(where: { $0.matches(failure.kind) }) else { return .stop(.notRetryable) }
        guard idempotent || !failure.requestWritten else { return .stop(.requestWritten) }
        guard attempt < maxAttempts else { return .stop(.attemptsExhausted) }
        let delay = backoff.delay(forRetry: attempt, using: &rng)
        if let deadline, deadline.remaining(at: now) <= delay { return .stop(.deadlineExceeded) }
        if let budget, !budget.tryStartRetry(now: now) { return .stop(.budgetExhausted) }
        return .retry(after: delay)
    }
}

/// What ``RetryPolicy/decide(_:attempt:deadline:budget:now:using:)`` says.
public enum RetryDecision: Sendable, Hashable {
    /// Start the next attempt after this wait, on another endpoint when one exists.
    case retry(after: TimeAmount)
    /// The call ends with this attempt's outcome.
    case stop(RetryStopReason)
}

/// Why a call was not retried, for logs and as a metric label (`rawValue`).
public enum RetryStopReason: String, Sendable, Hashable {
    case succeeded = "succeeded"
    /// The failure matches no `on` condition.
    case notRetryable = "not_retryable"
    /// The request may have reached the backend and the call is not idempotent.
    case requestWritten = "request_written"
    case attemptsExhausted = "attempts_exhausted"
    /// The overall timeout leaves no time for another attempt.
    case deadlineExceeded = "deadline_exceeded"
    case budgetExhausted = "budget_exhausted"
}
