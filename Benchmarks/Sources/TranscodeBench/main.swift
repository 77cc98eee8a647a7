import Foundation
import NIOCore
import SluiceProtobuf
import SluiceThrift

// Transcoding micro-benchmark: MB/s of JSON -> Thrift and Thrift -> JSON, in Binary and Compact, and of
// JSON -> protobuf and protobuf -> JSON, for
// - the `Order` message of Benchmarks/IDL/order.thrift and its mirror IDL/order.proto (many small fields
//   of every common type) at about 1 KB and 10 KB of JSON, and
// - echo.thrift's `Request` (and IDL/echo.proto's) with Benchmarks/payloads/echo-1k.json, the body e2e.sh
//   sends (one long string).
// Both transcoders read the same JSON bytes. Throughput counts those bytes in both directions, so the two
// directions and the two IDLs are comparable.
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
    let payloads = [
        (label: "order 1 KB", json: OrderPayload.json(closestTo: 1024), thrift: options.orderIDLPath,
         structName: "Order", proto: options.orderProtoPath, messageName: "sluice.bench.Order"),
        (label: "order 10 KB", json: OrderPayload.json(closestTo: 10 * 1024), thrift: options.orderIDLPath,
         structName: "Order", proto: options.orderProtoPath, messageName: "sluice.bench.Order"),
        (label: "echo 1 KB", json: echoJSON, thrift: options.echoIDLPath,
         structName: "Request", proto: options.echoProtoPath, messageName: "sluice.bench.Request"),
    ]

    var sink = 0
    var table = Table(headers: [
        "payload", "direction", "protocol", "JSON B", "wire B", "MB/s (CPU)", "MB/s (wall)", "µs/op (CPU)",
    ])
    var notes: [String] = []
    func addRows(_ label: String, jsonBytes: Int, wire: String, protocolName: String, wireBytes: Int,
                 encode: Measurement, decode: Measurement) {
        let bytes = Double(jsonBytes)
        for (direction, measurement) in [("JSON -> \(wire)", encode), ("\(wire) -> JSON", decode)] {
            table.rows.append([
                label, direction, protocolName, "\(jsonBytes)", "\(wireBytes)",
                format(bytes / measurement.medianCPUNanos * 1e3), format(bytes / measurement.medianWallNanos * 1e3),
                format(measurement.medianCPUNanos / 1e3, digits: 2),
            ])
        }
    }
    for payload in payloads {
        let thrift = TranscodeCase(label: payload.label, idlPath: payload.thrift, structName: payload.structName,
                                   json: payload.json)
        for protocolKind in [ThriftProtocolKind.binary, .compact] {
            let result = try thrift.run(protocolKind, options: options, sink: &sink)
            addRows(payload.label, jsonBytes: thrift.json.readableBytes, wire: "Thrift", protocolName: "\(protocolKind)",
                    wireBytes: result.thriftBytes, encode: result.encode, decode: result.decode)
        }
        let protobuf = ProtobufTranscodeCase(label: payload.label, protoPath: payload.proto,
                                             messageName: payload.messageName, json: payload.json)
        let result = try protobuf.run(options: options, sink: &sink)
        addRows(payload.label, jsonBytes: protobuf.json.readableBytes, wire: "protobuf", protocolName: "protobuf",
                wireBytes: result.protobufBytes, encode: result.encode, decode: result.decode)
        notes.append("\(payload.label) \(result.jsonOutBytes) B")
    }
    print(table.render())
    print("MB = 10^6 bytes of the input JSON per second (both directions), median of \(options.samples) samples of"
        + " ~\(options.sampleSeconds) s after \(options.warmupSeconds) s warm-up; CPU = this thread's CPU time."
        + " (checksum \(sink & 0xffff))")
    print("protobuf -> JSON writes canonical protobuf JSON (64-bit integers as strings, enums by name): "
        + notes.joined(separator: ", ") + ".")
}

func format(_ value: Double, digits: Int = 1) -> String {
    String(format: "%.\(digits)f", value)
}

do {
    try run(Options.parse(CommandLine.arguments))
} catch {
    fail("\(error)")
}
