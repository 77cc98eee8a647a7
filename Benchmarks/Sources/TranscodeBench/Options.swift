#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Command-line options. Paths default to this package's own files, found from this source file's
/// location, so the benchmark runs the same from any working directory.
struct Options {
    var sampleSeconds = 0.25
    var samples = 5
    var warmupSeconds = 0.3
    var benchmarksDirectory = Options.packageDirectory()
    var orderIDLPath: String { benchmarksDirectory + "/IDL/order.thrift" }
    var echoIDLPath: String { benchmarksDirectory + "/../examples/echo/echo.thrift" }
    var echoPayloadPath: String { benchmarksDirectory + "/payloads/echo-1k.json" }
    var orderProtoPath: String { benchmarksDirectory + "/IDL/order.proto" }
    var echoProtoPath: String { benchmarksDirectory + "/IDL/echo.proto" }

    private static func packageDirectory() -> String {
        // Benchmarks/Sources/TranscodeBench/Options.swift -> Benchmarks
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        return parts.joined(separator: "/")
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
            case "--benchmarks-dir": options.benchmarksDirectory = value()
            default: fail("unknown option \(arguments[index]) (options: --sample-seconds S, --samples N, --warmup-seconds S, --benchmarks-dir DIR)")
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
