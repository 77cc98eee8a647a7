import Testing
@testable import SluiceGateway

/// What system rules read of the machine: `/proc`'s load average and CPU times, as Sentinel's
/// SystemStatusListener derives them.
@Suite("Machine status from /proc")
struct MachineStatusTests {
    @Test("the one-minute load; the machine's CPU ticks; this process's utime + stime past a name with spaces")
    func parsing() {
        #expect(MachineStatusSampler.parseLoad("8.62 8.23 5.95 10/144 30629\n") == 8.62)
        #expect(MachineStatusSampler.parseLoad("") == nil)
        let machine = MachineStatusSampler.parseMachine("cpu  2194599 1566 264764 495751 5909 0 21574 7085 0 0\ncpu0 1 2 3 4\n")
        #expect(machine?.total == 2194599 + 1566 + 264764 + 495751 + 5909 + 0 + 21574 + 7085)
        #expect(machine?.idle == 495751 + 5909)
        #expect(MachineStatusSampler.parseMachine("intr 1 2 3") == nil)
        let stat = "30630 (a (weird) name) R 30626 30626 18495 0 -1 4194304 98 0 0 0 250 70 0 0 20 0 1"
        #expect(MachineStatusSampler.parseProcess(stat[...]) == 320)
        #expect(MachineStatusSampler.parseProcess("garbage") == nil)
    }

    @Test("usage is the larger of the process's share of all cores and the machine's busy share")
    func usage() {
        let ticks = UInt64(MachineStatusSampler.ticksPerSecond)
        let earlier = SystemCounters(machineTotal: 1000, machineIdle: 800, processTime: 0, uptimeNanos: 0)
        // One second later on 2 cores: the machine was 50% busy, the process used a quarter of one core.
        let later = SystemCounters(machineTotal: 1200, machineIdle: 900, processTime: ticks / 4, uptimeNanos: 1_000_000_000)
        #expect(MachineStatusSampler.usage(from: earlier, to: later, cores: 2) == 0.5)
        // The process busier than the machine's counters say (a container's view): its share wins.
        let busy = SystemCounters(machineTotal: 1200, machineIdle: 1190, processTime: ticks * 3 / 2, uptimeNanos: 1_000_000_000)
        #expect(MachineStatusSampler.usage(from: earlier, to: busy, cores: 2) == 0.75)
        // No time passed: nothing to say.
        #expect(MachineStatusSampler.usage(from: earlier, to: earlier, cores: 2) == 0)
    }

    #if os(Linux)
    @Test("this machine's /proc reads")
    func readsProc() {
        #expect(MachineStatusSampler.readLoad() != nil)
        #expect(MachineStatusSampler.readCounters(uptimeNanos: 1) != nil)
    }
    #endif
}
