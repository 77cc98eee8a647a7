#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Wall and on-CPU time of the calling thread, in nanoseconds.
///
/// Both are kept because the benchmark machines are shared: wall time includes the time the thread
/// waited for a core, the thread's CPU time does not, so MB/s by CPU time is the steadier number.
struct Stopwatch {
    struct Reading {
        var wallNanos: UInt64
        var cpuNanos: UInt64
    }

    static func now() -> Reading {
        Reading(wallNanos: read(CLOCK_MONOTONIC), cpuNanos: read(CLOCK_THREAD_CPUTIME_ID))
    }

    private static func read(_ clock: clockid_t) -> UInt64 {
        var spec = timespec()
        clock_gettime(clock, &spec)
        return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
    }
}
