internal import Foundation
internal import NIOCore
internal import SluiceFlow
internal import Synchronization

/// The machine's state as Sentinel's system rules read it, sampled once a second (`SystemStatusListener`): the
/// one-minute load average, and CPU usage as the larger of this process's share of all cores and the whole
/// machine's busy share, both in 0...1. Read from `/proc`; where there is none, both are 0 (the rules then
/// never block on them).
struct MachineStatus: Sendable, Equatable {
    var load: Double = 0
    var cpuUsage: Double = 0
}

/// What one sample of `/proc` gives: cumulative counters, turned into usage by ``MachineStatusSampler/usage``.
struct SystemCounters: Sendable, Equatable {
    /// `/proc/stat`'s first line: all CPU time, and the idle part (idle + iowait), in clock ticks.
    var machineTotal: UInt64
    var machineIdle: UInt64
    /// `/proc/self/stat`'s utime + stime, in clock ticks.
    var processTime: UInt64
    /// Monotonic time of the sample, in nanoseconds.
    var uptimeNanos: UInt64
}

enum MachineStatusSampler {
    /// Clock ticks per second of `/proc`'s CPU times (`sysconf(_SC_CLK_TCK)`, 100 on Linux).
    static let ticksPerSecond: Double = {
        let ticks = sysconf(Int32(_SC_CLK_TCK))
        return ticks > 0 ? Double(ticks) : 100
    }()

    /// The first field of `/proc/loadavg` ("0.52 0.58 0.59 1/467 12345").
    static func parseLoad(_ text: Substring) -> Double? {
        text.split(separator: " ", maxSplits: 1).first.flatMap { Double($0) }
    }

    /// `/proc/stat`'s `cpu` line: (total, idle + iowait) ticks.
    static func parseMachine(_ text: Substring) -> (total: UInt64, idle: UInt64)? {
        guard let line = text.split(separator: "\n", maxSplits: 1).first, line.hasPrefix("cpu ") else { return nil }
        let values = line.split(separator: " ").dropFirst().compactMap { UInt64($0) }
        guard values.count >= 4 else { return nil }
        // user nice system idle iowait irq softirq steal; guest times are already inside user and nice.
        let counted = values.prefix(8)
        return (counted.reduce(0, +), values[3] + (values.count > 4 ? values[4] : 0))
    }

    /// `/proc/self/stat`: utime + stime (fields 14 and 15), after the command name, which may hold spaces.
    static func parseProcess(_ text: Substring) -> UInt64? {
        guard let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // fields[0] is the state (field 3), so field N is fields[N - 3].
        guard fields.count > 12, let utime = UInt64(fields[11]), let stime = UInt64(fields[12]) else { return nil }
        return utime + stime
    }

    /// CPU usage between two samples: the larger of this process's share of all `cores` and the machine's
    /// busy share (Sentinel's `max(processCpuUsage, systemCpuLoad)`), clamped to 0...1.
    static func usage(from earlier: SystemCounters, to later: SystemCounters, cores: Int) -> Double {
        var machine = 0.0
        if later.machineTotal > earlier.machineTotal {
            let total = Double(later.machineTotal - earlier.machineTotal)
            let idle = Double(later.machineIdle &- earlier.machineIdle)
            machine = (total - min(idle, total)) / total
        }
        var process = 0.0
        if later.uptimeNanos > earlier.uptimeNanos, later.processTime >= earlier.processTime, cores > 0 {
            let seconds = Double(later.uptimeNanos - earlier.uptimeNanos) / 1e9
            process = Double(later.processTime - earlier.processTime) / ticksPerSecond / seconds / Double(cores)
        }
        return min(1, max(0, max(machine, process)))
    }

    /// Reads `/proc` now; nil where it cannot be read.
    static func readCounters(uptimeNanos: UInt64) -> SystemCounters? {
        guard let stat = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
            let machine = parseMachine(stat[...]),
            let own = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
            let process = parseProcess(own[...])
        else { return nil }
        return SystemCounters(machineTotal: machine.total, machineIdle: machine.idle, processTime: process, uptimeNanos: uptimeNanos)
    }

    static func readLoad() -> Double? {
        (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)).flatMap { parseLoad($0[...]) }
    }
}

/// The sampled status system rules read: written once a second by ``run()`` off the event loops, read by
/// admits with two relaxed loads.
final class MachineStatusMonitor: SystemStatusProvider {
    private let load = Atomic<UInt64>(0)
    private let cpuUsage = Atomic<UInt64>(0)

    func currentLoad() -> Double { Double(bitPattern: load.load(ordering: .relaxed)) }
    func currentCpuUsage() -> Double { Double(bitPattern: cpuUsage.load(ordering: .relaxed)) }

    /// Samples `/proc` every second until the task is cancelled.
    func run() async {
        var last = MachineStatusSampler.readCounters(uptimeNanos: DispatchTime.now().uptimeNanoseconds)
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(1))
            if let value = MachineStatusSampler.readLoad() { load.store(value.bitPattern, ordering: .relaxed) }
            let now = MachineStatusSampler.readCounters(uptimeNanos: DispatchTime.now().uptimeNanoseconds)
            if let earlier = last, let later = now {
                let usage = MachineStatusSampler.usage(from: earlier, to: later, cores: System.coreCount)
                cpuUsage.store(usage.bitPattern, ordering: .relaxed)
            }
            last = now ?? last
        }
    }
}
