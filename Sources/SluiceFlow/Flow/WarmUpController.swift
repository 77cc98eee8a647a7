/// Sentinel's `WarmUpController` (Guava's SmoothWarmingUp applied to QPS): a bucket of tokens, full when the
/// resource has been cold, lets through `count / coldFactor` at first and `count` once the previous seconds'
/// passes have drained it below `warningToken`. Java integer arithmetic where Sentinel has it.
public struct WarmUpController: Sendable {
    public let count: Double
    public let coldFactor: Int
    public let warningToken: Int64
    public let maxToken: Int64
    public let slope: Double
    public private(set) var storedTokens: Int64 = 0
    public private(set) var lastFilledTime: Int64 = 0

    /// `coldFactor` must be above 1 (``FlowRule/effectiveColdFactor`` is).
    public init(count: Double, warmUpPeriodSec: Int, coldFactor: Int) {
        precondition(coldFactor > 1)
        self.count = count
        self.coldFactor = coldFactor
        let period = Double(warmUpPeriodSec)
        warningToken = Int64(Java.int(period * count) / (coldFactor - 1))
        maxToken = warningToken + Int64(Java.int(2 * period * count / (1.0 + Double(coldFactor))))
        slope = (Double(coldFactor) - 1.0) / count / Double(maxToken - warningToken)
    }

    public mutating func check(_ node: NodeReading, acquire: Int = 1, now: Int64) -> FlowDecision {
        let passQps = Java.long(node.passQps)
        syncToken(previousQps: Java.long(node.previousPassQps), now: now)
        return Double(passQps + Int64(acquire)) <= currentLimit ? .pass : .block
    }

    /// The QPS the stored tokens allow: `count` below the warning line, less the fuller the bucket is above it.
    var currentLimit: Double {
        guard storedTokens >= warningToken else { return count }
        let above = Double(storedTokens - warningToken)
        return (1.0 / (above * slope + 1.0 / count)).nextUp
    }

    /// Refills for the time gone by and spends the previous second's passes, at most once per second.
    mutating func syncToken(previousQps: Int64, now: Int64) {
        let second = now - now % 1000
        guard second > lastFilledTime else { return }
        storedTokens = max(0, coolDownTokens(now: second, previousQps: previousQps) &- previousQps)
        lastFilledTime = second
    }

    private func coolDownTokens(now: Int64, previousQps: Int64) -> Int64 {
        let old = storedTokens
        let refilled = Java.long(Double(old) + Double(now - lastFilledTime) * count / 1000)
        var new = old
        if old < warningToken {
            new = refilled
        } else if old > warningToken, previousQps < Int64(Java.int(count) / coldFactor) {
            // Above the warning line tokens come back only while traffic stays below the cold rate.
            new = refilled
        }
        return min(new, maxToken)
    }
}
