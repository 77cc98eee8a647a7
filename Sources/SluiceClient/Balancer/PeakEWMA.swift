#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif
public import NIOCore

/// One endpoint's latency estimate as Finagle's peak EWMA keeps it: a slower sample replaces the estimate at
/// once (an endpoint turning slow is noticed on its first slow reply), a faster one pulls it down with weight
/// 1 − e^(−Δt/τ), and when read the estimate has decayed toward zero for the time since the last sample, so
/// an endpoint left alone is tried again.
public struct PeakEWMA: Sendable, Hashable {
    /// Nanoseconds; 0 before the first sample.
    public private(set) var estimate: Double = 0
    private var stamp: NIODeadline = .uptimeNanoseconds(0)
    public private(set) var hasSample = false

    public init() {}

    public mutating func observe(_ latency: TimeAmount, now: NIODeadline, decay: TimeAmount) {
        let sample = Double(max(latency.nanoseconds, 0))
        if !hasSample || sample > estimate {
            estimate = sample
        } else {
            let weight = Self.weight(since: stamp, now: now, decay: decay)
            estimate = estimate * weight + sample * (1 - weight)
        }
        hasSample = true
        if now > stamp { stamp = now }
    }

    /// The estimate decayed to `now`.
    public func current(now: NIODeadline, decay: TimeAmount) -> Double {
        estimate == 0 ? 0 : estimate * Self.weight(since: stamp, now: now, decay: decay)
    }

    static func weight(since stamp: NIODeadline, now: NIODeadline, decay: TimeAmount) -> Double {
        guard now > stamp else { return 1 }
        return exp(-Double((now - stamp).nanoseconds) / Double(max(decay.nanoseconds, 1)))
    }
}
