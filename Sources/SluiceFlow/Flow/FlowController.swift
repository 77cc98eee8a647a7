/// The controller Sentinel's `FlowRuleUtil.generateRater` gives a rule: by behaviour for QPS rules, the
/// default one for every concurrency rule whatever its behaviour.
public enum FlowController: Sendable {
    case reject(DefaultController)
    case warmUp(WarmUpController)
    case throttle(ThrottlingController)
    case warmUpThrottle(WarmUpRateLimiterController)

    public init(rule: FlowRule) {
        guard rule.grade == .qps else {
            self = .reject(DefaultController(count: rule.count, grade: rule.grade))
            return
        }
        switch rule.behavior {
        case .reject:
            self = .reject(DefaultController(count: rule.count, grade: rule.grade))
        case .warmUp:
            self = .warmUp(
                WarmUpController(
                    count: rule.count, warmUpPeriodSec: rule.warmUpPeriodSec, coldFactor: rule.effectiveColdFactor))
        case .throttle:
            self = .throttle(
                ThrottlingController(maxQueueingTimeMs: rule.maxQueueingTimeMs, count: rule.count, dialect: rule.dialect))
        case .warmUpThrottle:
            self = .warmUpThrottle(
                WarmUpRateLimiterController(
                    count: rule.count, warmUpPeriodSec: rule.warmUpPeriodSec,
                    maxQueueingTimeMs: rule.maxQueueingTimeMs, coldFactor: rule.effectiveColdFactor))
        }
    }

    /// Whether checks change the controller (then callers share it under a lock).
    public var isStateless: Bool {
        if case .reject = self { return true }
        return false
    }

    public mutating func check(_ node: NodeReading, acquire: Int = 1, now: Int64) -> FlowDecision {
        switch self {
        case .reject(let controller):
            return controller.check(node, acquire: acquire)
        case .warmUp(var controller):
            let decision = controller.check(node, acquire: acquire, now: now)
            self = .warmUp(controller)
            return decision
        case .throttle(var controller):
            let decision = controller.check(acquire: acquire, now: now)
            self = .throttle(controller)
            return decision
        case .warmUpThrottle(var controller):
            let decision = controller.check(node, acquire: acquire, now: now)
            self = .warmUpThrottle(controller)
            return decision
        }
    }
}
