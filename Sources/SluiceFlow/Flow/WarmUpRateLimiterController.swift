/// Sentinel's `WarmUpRateLimiterController`: uniform pacing (in ms) at the rate warm-up allows, so a cold
/// resource is paced slowly and speeds up as the previous seconds' passes drain the token bucket.
public struct WarmUpRateLimiterController: Sendable {
    public private(set) var warmUp: WarmUpController
    public let timeoutMs: Int64
    public private(set) var latestPassedTime: Int64 = -1

    public init(count: Double, warmUpPeriodSec: Int, maxQueueingTimeMs: Int, coldFactor: Int) {
        warmUp = WarmUpController(count: count, warmUpPeriodSec: warmUpPeriodSec, coldFactor: coldFactor)
        timeoutMs = Int64(maxQueueingTimeMs)
    }

    public mutating func check(_ node: NodeReading, acquire: Int = 1, now: Int64) -> FlowDecision {
        warmUp.syncToken(previousQps: Java.long(node.previousPassQps), now: now)
        let cost = Java.round(Double(acquire) / warmUp.currentLimit * 1000)
        if cost &+ latestPassedTime <= now {
            latestPassedTime = now
            return .pass
        }
        let wait = (cost &+ latestPassedTime) &- now
        if wait > timeoutMs { return .block }
        latestPassedTime &+= cost
        return wait > 0 ? .wait(wait) : .pass
    }
}
