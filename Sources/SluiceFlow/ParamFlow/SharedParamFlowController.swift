import Synchronization

/// One hot-parameter rule shared by every event loop: the pure ``ParamFlowController`` behind a mutex held
/// for one lookup and a few integer operations.
public final class SharedParamFlowController: Sendable {
    private let controller: Mutex<ParamFlowController>
    public let rule: ParamFlowRule

    public init(rule: ParamFlowRule) {
        self.rule = rule
        controller = Mutex(ParamFlowController(rule: rule))
    }

    public func check(value: String?, acquire: Int64 = 1, now: Int64) -> ParamFlowDecision {
        controller.withLock { $0.check(value: value, acquire: acquire, now: now) }
    }

    public func complete(value: String?) {
        guard rule.grade == .thread else { return }
        controller.withLock { $0.complete(value: value) }
    }

    public var trackedValues: Int { controller.withLock { $0.trackedValues } }
}
