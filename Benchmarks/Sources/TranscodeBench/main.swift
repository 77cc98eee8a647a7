#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore
import SluiceThrift

// Transcoding micro-benchmark: MB/s of JSON -> Thrift and Thrift -> JSON for the `Order` struct of
// Benchmarks/IDL/order.thrift, at about 1 KB and 10 KB of JSON, in Binary and Compact.
// Throughput counts JSON bytes in both directions, so the two directions are comparable.
//
// Usage: swift run -c release TranscodeBench [--sample-seconds S] [--samples N] [--warmup-seconds S]
//                                            [--idl PATH]

struct Options {
    var sampleSeconds = 0.25
    var samples = 5
    var warmupSeconds = 0.3
    var idlPath = defaultIDLPath()

    static func defaultIDLPath() -> String {
        // Sources/TranscodeBench/main.swift -> Benchmarks/IDL/order.thrift
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        return (parts + ["IDL", "order.thrift"]).joined(separator: "/")
    }

    static func parse(_ arguments: [String]) -> Options {
        var options = Options()
        var index = 1
        func value() -> String {
            index += 1
            guard index < arguments.count else { fail("\(arguments[index - 1]) needs a value") }
            return arguments[index]
        }
        func number(_ text: String) -> Double {
            guard let number = Double(text), number > 0 else { fail("expected a positive number, got '\(text)'") }
            return number
        }
        while index < arguments.count {
            switch arguments[index] {
            case "--sample-seconds": options.sampleSeconds = number(value())
            case "--samples": options.samples = Int(number(value()))
            case "--warmup-seconds": options.warmupSeconds = number(value())
            case "--idl": options.idlPath = value()
            default: fail("unknown option \(arguments[index])")
            }
            index += 1
        }
        return options
    }
}

func fail(_ message: String) -> Never {
    print("TranscodeBench: \(message)")
    exit(2)
}

// Everything runs inside a function: top-level variables in main.swift are globals, and every
// access to a global pays a dynamic exclusivity check that would be timed as transcoding cost.
func run(_ options: Options) throws {
    let schema: ThriftSchema
    do {
        schema = try ThriftIDL.load(path: options.idlPath)
    } catch {
        fail("cannot load \(options.idlPath): \(error)")
    }
    guard let orderIndex = schema.structs.firstIndex(where: { $0.name == "Order" }) else {
        fail("\(options.idlPath) declares no struct Order")
    }
    let order = StructID(orderIndex)
    let transcodeOptions = TranscodeOptions()
    let allocator = ByteBufferAllocator()

    var sink = 0
    var table = Table(headers: [
        "payload", "direction", "protocol", "JSON B", "Thrift B", "MB/s (CPU)", "MB/s (wall)", "µs/op (CPU)",
    ])

    for (label, target) in [("1 KB", 1024), ("10 KB", 10 * 1024)] {
        let json = allocator.buffer(string: OrderPayload.json(closestTo: target))
        for protocolKind in [ThriftProtocolKind.binary, .compact] {
            // One encode up front: the Thrift bytes the decode case reads, and a check that the transcoder
            // round-trips this document to the same bytes (so the benchmark times real, correct work).
            var thrift = allocator.buffer(capacity: json.readableBytes)
            var backToJSON = allocator.buffer(capacity: json.readableBytes * 2)
            var again = allocator.buffer(capacity: json.readableBytes)
            do {
                try ThriftJSONCodec.encodeStruct(
                    order, schema: schema, json: json, protocol: protocolKind, options: transcodeOptions, into: &thrift)
                var reader = thrift
                try ThriftJSONCodec.decodeStruct(
                    order, schema: schema, from: &reader, protocol: protocolKind, options: transcodeOptions,
                    into: &backToJSON)
                try ThriftJSONCodec.encodeStruct(
                    order, schema: schema, json: backToJSON, protocol: protocolKind, options: transcodeOptions,
                    into: &again)
            } catch {
                fail("\(label) \(protocolKind): \(error)")
            }
            guard again == thrift else { fail("\(label) \(protocolKind): JSON -> Thrift -> JSON -> Thrift changed the bytes") }

            var output = allocator.buffer(capacity: json.readableBytes * 2)
            let encode = try measure(
                warmupSeconds: options.warmupSeconds, sampleSeconds: options.sampleSeconds, samples: options.samples,
                sink: &sink
            ) {
                output.clear()
                try ThriftJSONCodec.encodeStruct(
                    order, schema: schema, json: json, protocol: protocolKind, options: transcodeOptions, into: &output)
                return output.writerIndex
            }
            let decode = try measure(
                warmupSeconds: options.warmupSeconds, sampleSeconds: options.sampleSeconds, samples: options.samples,
                sink: &sink
            ) {
                output.clear()
                var reader = thrift
                try ThriftJSONCodec.decodeStruct(
                    order, schema: schema, from: &reader, protocol: protocolKind, options: transcodeOptions,
                    into: &output)
                return output.writerIndex
            }
            for (direction, measurement) in [("JSON -> Thrift", encode), ("Thrift -> JSON", decode)] {
                let bytes = Double(json.readableBytes)
                table.rows.append([
                    label, direction, "\(protocolKind)", "\(json.readableBytes)", "\(thrift.readableBytes)",
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

do {
    try run(Options.parse(CommandLine.arguments))
} catch {
    fail("\(error)")
}

func format(_ value: Double, digits: Int = 1) -> String {
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let rounded = (value * scale).rounded() / scale
    var text = "\(rounded)"
    if let dot = text.firstIndex(of: ".") {
        let decimals = text.distance(from: dot, to: text.endIndex) - 1
        text += String(repeating: "0", count: max(digits - decimals, 0))
    } else {
        text += "." + String(repeating: "0", count: digits)
    }
    return text
}
