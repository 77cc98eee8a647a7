/// The machine's load and CPU usage, sampled elsewhere (the gateway reads /proc once a second); system rules
/// read the latest sample on every inbound admit, so a provider returns stored values and does no I/O.
public protocol SystemStatusProvider: Sendable {
    /// The one-minute load average (Sentinel's `getSystemLoadAverage`).
    func currentLoad() -> Double
    /// CPU usage as a ratio in [0, 1].
    func currentCpuUsage() -> Double
}

/// A provider with fixed values, for tests and for gateways without a sampler.
public struct FixedSystemStatus: SystemStatusProvider {
    public var load: Double
    public var cpuUsage: Double

    public init(load: Double = 0, cpuUsage: Double = 0) {
        self.load = load
        self.cpuUsage = cpuUsage
    }

    public func currentLoad() -> Double { load }
    public func currentCpuUsage() -> Double { cpuUsage }
}
