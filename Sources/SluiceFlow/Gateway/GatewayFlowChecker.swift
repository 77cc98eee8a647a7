/// The converted gateway rules of one resource with their per-value state, shared by every event loop
/// (Sentinel's `GatewayFlowSlot`): each converted rule checks the parameter at its index; an index past the
/// parameters passes, as in `ParamFlowChecker`.
public final class GatewayFlowChecker: Sendable {
    public let rules: GatewayResourceRules
    private let controllers: [SharedParamFlowController]

    public init(rules: GatewayResourceRules) {
        self.rules = rules
        controllers = rules.paramRules.map(SharedParamFlowController.init)
    }

    /// Checks a request's parameters (from ``GatewayResourceRules/parameters(for:mode:)``). The first rule
    /// that blocks blocks (and the thread-grade rules before it let go of the call: Sentinel counts a value
    /// in flight only once the whole entry passed); throttle waits add up, as Sentinel's sleeps in turn would.
    public func check(_ parameters: [String?], now: Int64) -> ParamFlowDecision {
        var wait: Int64 = 0
        for (position, controller) in controllers.enumerated() {
            guard let index = controller.rule.paramIdx, index < parameters.count else { continue }
            switch controller.check(value: parameters[index], now: now) {
            case .pass: continue
            case .wait(let millis): wait += millis
            case .block:
                release(parameters, upTo: position)
                return .block
            }
        }
        return wait > 0 ? .wait(millis: wait) : .pass
    }

    /// A call whose parameters passed has ended: thread-grade rules release its values.
    public func complete(_ parameters: [String?]) {
        release(parameters, upTo: controllers.count)
    }

    private func release(_ parameters: [String?], upTo end: Int) {
        for controller in controllers[..<end] where controller.rule.grade == .thread {
            guard let index = controller.rule.paramIdx, index < parameters.count else { continue }
            controller.complete(value: parameters[index])
        }
    }
}
