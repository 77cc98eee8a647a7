import Foundation
import NIOCore
import SluiceThrift

// Transcoding micro-benchmark: MB/s of JSON -> Thrift and Thrift -> JSON, in Binary and Compact, for
// - the `Order` struct of Benchmarks/IDL/order.thrift (many small fields of every common type) at
//   about 1 KB and 10 KB of JSON, and
// - echo.thrift's `Request` with Benchmarks/payloads/echo-1k.json, the body e2e.sh sends (one long string).
// Throughput counts JSON bytes in both directions, so the two directions are comparable.
//
// Usage: swift run -c release --package-path Benchmarks TranscodeBench
//            [--sample-seconds S] [--samples N] [--warmup-seconds S] [--benchmarks-dir DIR]

func run(_ options: Options) throws {
    let echoJSON: String
    do {
        // Foundation only to read the file, before any timing.
        echoJSON = try String(contentsOfFile: options.echoPayloadPath, encoding: .utf8)
    } catch {
        fail("cannot read \(options.echoPayloadPath): \(error)")
    }
    let cases = [
        TranscodeCase(label: "order 1 KB", idlPath: options.orderIDLPath, structName: "Order",
                      json: OrderPayload.json(closestTo: 1024)),
        TranscodeCase(label: "order 10 KB", idlPath: options.orderIDLPath, structName: "Order",
                      json: OrderPayload.json(closestTo: 10 * 1024)),
        TranscodeCase(label: "echo 1 KB", idlPath: options.echoIDLPath, structName: "Request", json: echoJSON),
    ]

    var sink = 0
    var table = Table(headers: [
        "payload", "direction", "protocol", "JSON B", "Thrift B", "MB/s (CPU)", "MB/s (wall)", "µs/op (CPU)",
    ])
    for benchmark in cases {
        for protocolKind in [ThriftProtocolKind.binary, .compact] {
            let result = try benchmark.run(protocolKind, options: options, sink: &sink)
            let bytes = Double(benchmark.json.readableBytes)
            for (direction, measurement) in [("JSON -> Thrift", result.encode), ("Thrift -> JSON", result.decode)] {
                table.rows.append([
                    benchmark.label, direction, "\(protocolKind)", "\(benchmark.json.readableBytes)",
                    "\(result.thriftBytes)",
                    format(bytes / measurement.medianCPUNanos * 1e3), format(bytes / measurement.medianWallNanos * 1e3),
                    format(measurement.medianCPUNanos / 1e3, digits: 2),
                ])
            }
        }
    }
    print(table.render())
    print("MB = 10^6 bytes of JSON per second, median of \(options.samples) samples of ~\(options.sampleSeconds) s"
        + " after \(options.warmupSeconds) s warm-up; CPU = this thread's CPU time. (checksum \(sink & 0xffff))")
}

func format(_ value: Double, digits: Int = 1) -> String {
    String(format: "%.\(digits)f", value)
}

do {
    try run(Options.parse(CommandLine.arguments))
} catch {
    fail("\(error)")
}
