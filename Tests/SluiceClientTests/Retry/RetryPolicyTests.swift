import NIOCore
import Testing

@testable import SluiceClient

@Suite("Retry policy")
struct RetryPolicyTests {
    static let now = NIODeadline.uptimeNanoseconds(5_000_000_000)

    static func failure(_ kind: AttemptFailure.Kind, written: Bool = false) -> AttemptOutcome {
        .failure(AttemptFailure(kind, requestWritten: written))
    }

    static func decide(
        _ policy: RetryPolicy, _ outcome: AttemptOutcome, attempt: Int = 1, deadline: CallDeadline? = nil,
        budget: RetryBudget? = nil
    ) -> RetryDecision {
        var rng = SplitMix64(seed: 1)
        return policy.decide(outcome, attempt: attempt, deadline: deadline, budget: budget, now: now, using: &rng)
    }

    static func isRetry(_ decision: RetryDecision) -> Bool {
        if case .retry = decision { return true }
        return false
    }

    @Test("defaults: one attempt, connect_failure and unavailable, not idempotent")
    func defaults() throws {
        let policy = RetryPolicy()
        #expect(policy.maxAttempts == 1)
        #expect(policy.conditions == [.connectFailure, .unavailable])
        #expect(!policy.idempotent)
        #expect(policy.perTryTimeout == nil)
        #expect(policy.backoff == RetryBackoff(base: .milliseconds(25), max: .milliseconds(250)))
        #expect(policy.budget == RetryBudget.Configuration(ratio: 0.2, minPerSecond: 10))
        try policy.validate()
        // The default never retries, and says why.
        #expect(Self.decide(policy, Self.failure(.connectFailure)) == .stop(.attemptsExhausted))
    }

    @Test("success stops; a failure outside `on` is not retried")
    func conditions() {
        let policy = RetryPolicy(maxAttempts: 3)
        #expect(Self.decide(policy, .success) == .stop(.succeeded))
        #expect(Self.decide(policy, Self.failure(.timeout)) == .stop(.notRetryable))
        #expect(Self.isRetry(Self.decide(policy, Self.failure(.unavailable))))
        let onBusy = RetryPolicy(maxAttempts: 3, conditions: [.exception("Busy"), .httpClass(5)], idempotent: true)
        #expect(Self.isRetry(Self.decide(onBusy, Self.failure(.exception("Busy"), written: true))))
        #expect(Self.isRetry(Self.decide(onBusy, Self.failure(.http(502), written: true))))
        #expect(Self.decide(onBusy, Self.failure(.connectFailure)) == .stop(.notRetryable))
    }

    @Test("non-idempotent calls retry only failures before the request was written")
    func written() {
        let policy = RetryPolicy(maxAttempts: 3, conditions: [.connectFailure, .reset, .timeout])
        #expect(Self.isRetry(Self.decide(policy, Self.failure(.connectFailure))))
        #expect(Self.isRetry(Self.decide(policy, Self.failure(.reset, written: false))))
        #expect(Self.decide(policy, Self.failure(.reset, written: true)) == .stop(.requestWritten))
        #expect(Self.decide(policy, Self.failure(.timeout, written: true)) == .stop(.requestWritten))
        var idempotent = policy
        idempotent.idempotent = true
        #expect(Self.isRetry(Self.decide(idempotent, Self.failure(.timeout, written: true))))
    }

    @Test("max_attempts counts the first attempt")
    func attempts() {
        let policy = RetryPolicy(maxAttempts: 3)
        #expect(Self.isRetry(Self.decide(policy, Self.failure(.connectFailure), attempt: 1)))
        #expect(Self.isRetry(Self.decide(policy, Self.failure(.connectFailure), attempt: 2)))
        #expect(Self.decide(policy, Self.failure(.connectFailure), attempt: 3) == .stop(.attemptsExhausted))
    }

    @Test("the wait is the backoff's draw for that retry")
    func waits() {
        let policy = RetryPolicy(maxAttempts: 5)
        for attempt in 1...4 {
            guard case .retry(let wait) = Self.decide(policy, Self.failure(.connectFailure), attempt: attempt) else {
                Issue.record("no retry")
                return
            }
            var rng = SplitMix64(seed: 1)
            #expect(wait == policy.backoff.delay(forRetry: attempt, using: &rng))
            #expect(wait <= policy.backoff.ceiling(forRetry: attempt))
        }
    }

    @Test("no retry when the overall deadline leaves no time after the wait")
    func deadline() {
        let policy = RetryPolicy(
            maxAttempts: 3, backoff: RetryBackoff(base: .milliseconds(100), max: .milliseconds(100)))
        let gone = CallDeadline(end: Self.now)
        #expect(Self.decide(policy, Self.failure(.connectFailure), deadline: gone) == .stop(.deadlineExceeded))
        let plenty = CallDeadline(start: Self.now, timeout: .seconds(1))
        #expect(Self.isRetry(Self.decide(policy, Self.failure(.connectFailure), deadline: plenty)))
    }

    @Test("the budget is asked last, and a refusal says so")
    func budget() {
        let policy = RetryPolicy(maxAttempts: 3)
        let empty = RetryBudget(.init(ratio: 0, minPerSecond: 0))
        #expect(Self.decide(policy, Self.failure(.connectFailure), budget: empty) == .stop(.budgetExhausted))
        // A non-retryable failure does not spend the budget.
        let one = RetryBudget(.init(ratio: 0, minPerSecond: 1))
        #expect(Self.decide(policy, Self.failure(.timeout), budget: one) == .stop(.notRetryable))
        #expect(Self.isRetry(Self.decide(policy, Self.failure(.connectFailure), budget: one)))
        #expect(Self.decide(policy, Self.failure(.connectFailure), budget: one) == .stop(.budgetExhausted))
        #expect(one.counters.retriesStarted == 1)
        #expect(one.counters.retriesRefused == 1)
    }

    @Test(
        "validation names the field",
        arguments: [
            (RetryPolicy(maxAttempts: 0), "retry.max_attempts"),
            (RetryPolicy(perTryTimeout: .zero), "retry.per_try_timeout"),
            (RetryPolicy(backoff: RetryBackoff(base: .zero)), "retry.backoff.base"),
            (RetryPolicy(backoff: RetryBackoff(base: .milliseconds(50), max: .milliseconds(10))), "retry.backoff.max"),
            (RetryPolicy(budget: .init(ratio: 1.5)), "retry.budget.ratio"),
            (RetryPolicy(budget: .init(ratio: .nan)), "retry.budget.ratio"),
            (RetryPolicy(budget: .init(minPerSecond: -1)), "retry.budget.min_per_second"),
        ])
    func validation(policy: RetryPolicy, field: String) {
        let error = #expect(throws: PolicyError.self) { try policy.validate() }
        #expect(error?.field == field)
    }

    @Test("stop reasons have metric labels")
    func labels() {
        #expect(RetryStopReason.budgetExhausted.rawValue == "budget_exhausted")
        #expect(RetryStopReason.requestWritten.rawValue == "request_written")
    }
}
