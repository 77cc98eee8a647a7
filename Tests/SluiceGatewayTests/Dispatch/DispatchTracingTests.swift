import Logging
import SluiceTracing
import Testing

@testable import SluiceGateway

/// What trace context a Thrift call gets from the dispatcher, with tracing on and off.
@Suite("Dispatch tracing")
struct DispatchTracingTests {
    static let traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"

    @Test("with tracing, the call carries the request's trace with the gateway's span as parent, and its tracestate")
    func propagates() async throws {
        let tracer = try RequestTracer(settings: TracingSettings(), logger: Logger(label: "test"))
        let harness = try DispatchHarness(tracer: tracer) { _ in DispatchHarness.reply("Ping", #"{"success": "pong"}"#) }
        let box = harness.send("GET", "/v1/ping", headers: [("traceparent", Self.traceparent), ("tracestate", "a=1"), ("tracestate", "b=2")])
        #expect(box.only?.status == 204)
        let metainfo = try #require(harness.callers.first?.calls.first?.metainfo)
        let fields = try #require(metainfo["traceparent"]).split(separator: "-")
        #expect(fields.count == 4)
        #expect(fields[1] == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(fields[2] != "00f067aa0ba902b7")
        #expect(metainfo["tracestate"]?.split(separator: ",").map { $0.trimmingPrefix(" ") } == ["a=1", "b=2"])

        // No traceparent: a trace of its own.
        _ = harness.send("GET", "/v1/ping")
        let started = try #require(harness.callers.first?.calls.last?.metainfo["traceparent"])
        #expect(TraceHeaders.traceID(ofTraceparent: started) != nil)
        #expect(!started.contains("4bf92f3577b34da6a3ce929d0e0e4736"))
        await tracer.shutdown()
    }

    @Test("without tracing, a call carries no trace context whatever the request brought")
    func off() throws {
        let harness = try DispatchHarness { _ in DispatchHarness.reply("Ping", #"{"success": "pong"}"#) }
        _ = harness.send("GET", "/v1/ping", headers: [("traceparent", Self.traceparent)])
        #expect(harness.callers.first?.calls.first?.metainfo == [:])
    }
}
