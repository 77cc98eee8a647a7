/// What one benchmark case costs, from several timed samples of the same operation.
struct Measurement {
    var iterationsPerSample: Int
    /// Nanoseconds per operation for each sample, sorted ascending.
    var wallNanosPerOp: [Double]
    var cpuNanosPerOp: [Double]

    var medianWallNanos: Double { wallNanosPerOp[wallNanosPerOp.count / 2] }
    var medianCPUNanos: Double { cpuNanosPerOp[cpuNanosPerOp.count / 2] }
}

/// A plain timing loop: warm up, size the sample so it lasts about `sampleSeconds`, then time
/// `samples` samples and keep each one's per-operation cost. The operation returns a number that is
/// folded into `sink` so the optimiser cannot drop the work.
func measure(
    warmupSeconds: Double,
    sampleSeconds: Double,
    samples: Int,
    sink: inout Int,
    _ operation: () throws -> Int
) rethrows -> Measurement {
    // Warm-up: caches, branch predictors, the allocator's free lists, lazily initialised globals.
    let warmupStart = Stopwatch.now()
    var warmupIterations = 0
    repeat {
        sink &+= try operation()
        warmupIterations += 1
    } while Double(Stopwatch.now().wallNanos - warmupStart.wallNanos) < warmupSeconds * 1e9
    let warmupCPU = Double(Stopwatch.now().cpuNanos - warmupStart.cpuNanos)
    let estimate = max(warmupCPU / Double(warmupIterations), 1)
    let iterations = max(Int(sampleSeconds * 1e9 / estimate), 1)

    var wall: [Double] = []
    var cpu: [Double] = []
    for _ in 0..<samples {
        let start = Stopwatch.now()
        for _ in 0..<iterations {
            sink &+= try operation()
        }
        let end = Stopwatch.now()
        wall.append(Double(end.wallNanos - start.wallNanos) / Double(iterations))
        cpu.append(Double(end.cpuNanos - start.cpuNanos) / Double(iterations))
    }
    return Measurement(iterationsPerSample: iterations, wallNanosPerOp: wall.sorted(), cpuNanosPerOp: cpu.sorted())
}
