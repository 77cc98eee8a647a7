// The clocks the micro-benchmarks read: wall time, and this process's CPU time (on a shared machine the CPU
// time is the honest cost).
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public func nanos(_ clock: clockid_t) -> UInt64 {
    var spec = timespec()
    clock_gettime(clock, &spec)
    return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
}

/// Wall time and this process's CPU time, in nanoseconds.
public func nowClocks() -> (wall: UInt64, cpu: UInt64) { (nanos(CLOCK_MONOTONIC), nanos(CLOCK_PROCESS_CPUTIME_ID)) }
