import Testing
@testable import SluiceFlow

/// `SystemRuleManagerTest` (reference §7.5) and the check order of §4.3.
@Suite("System rules")
struct SystemRuleTests {
    @Test("negative load and a CPU ratio above 1 set nothing (testLoadInvalidRules)")
    func invalid() {
        let thresholds = SystemThresholds([SystemRule(highestSystemLoad: -0.9), SystemRule(highestCpuUsage: 2.7)])
        #expect(thresholds.isEmpty)
        #expect(thresholds.ignored == [.nothingSet, .cpuUsageAboveOne(2.7), .nothingSet])
    }

    @Test("every field reads back (testLoadAndGetRules); duplicates keep the least (testLoadDuplicateTypeOfRules)")
    func merge() {
        let all = SystemThresholds([
            SystemRule(highestSystemLoad: 1.2), SystemRule(maxThread: 17), SystemRule(highestCpuUsage: 0.7),
            SystemRule(qps: 1500), SystemRule(avgRt: 50),
        ])
        #expect(all.highestSystemLoad == 1.2 && all.maxThread == 17 && all.highestCpuUsage == 0.7)
        #expect(all.qps == 1500 && all.avgRt == 50)
        let loads = SystemThresholds([1.2, 2.3, 3.4].map { SystemRule(highestSystemLoad: $0) })
        #expect(loads.highestSystemLoad == 1.2)
    }

    @Test("CPU threshold 0 blocks an inbound call (testCheckMaxCpuUsageNotBBR)")
    func cpu() {
        let thresholds = SystemThresholds([SystemRule(highestCpuUsage: 0)])
        #expect(thresholds.check(InboundReading(), status: FixedSystemStatus(cpuUsage: 0.1)) == .cpu)
        #expect(thresholds.check(InboundReading(), status: FixedSystemStatus(cpuUsage: 0)) == nil)
    }

    @Test("qps counts the call, thread does not, rt is strict")
    func comparisons() {
        let thresholds = SystemThresholds([SystemRule(qps: 10, avgRt: 50, maxThread: 5)])
        let status = FixedSystemStatus()
        #expect(thresholds.check(InboundReading(passQps: 9), status: status) == nil)
        #expect(thresholds.check(InboundReading(passQps: 10), status: status) == .qps)
        #expect(thresholds.check(InboundReading(inFlight: 5), status: status) == nil)
        #expect(thresholds.check(InboundReading(inFlight: 6), status: status) == .thread)
        #expect(thresholds.check(InboundReading(avgRt: 50), status: status) == nil)
        #expect(thresholds.check(InboundReading(avgRt: 50.5), status: status) == .rt)
    }

    @Test("high load blocks only when calls in flight exceed what BBR says the system sustains")
    func bbr() {
        let thresholds = SystemThresholds([SystemRule(highestSystemLoad: 4)])
        let loaded = FixedSystemStatus(load: 8)
        // 100 completions per second at 10 ms sustain 1 in flight: 5 in flight is overload.
        let overloaded = InboundReading(inFlight: 5, maxSuccessQps: 100, minRt: 10)
        #expect(thresholds.check(overloaded, status: loaded) == .load)
        #expect(thresholds.check(overloaded, status: FixedSystemStatus(load: 4)) == nil)
        // 1000 per second at 10 ms sustain 10: 5 in flight is not ours to shed.
        #expect(thresholds.check(InboundReading(inFlight: 5, maxSuccessQps: 1000, minRt: 10), status: loaded) == nil)
        // A single call in flight always passes.
        #expect(thresholds.check(InboundReading(inFlight: 1, maxSuccessQps: 2, minRt: 1), status: loaded) == nil)
    }
}
