import Logging
import Testing

@testable import SluiceTracing

/// The tracer without an exporter: what each request's span propagates, and which spans record.
@Suite("Request tracer")
struct RequestTracerTests {
    static let parent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
    static let unsampledParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00"

    static func withTracer(sample: Double, _ body: (RequestTracer) throws -> Void) async throws {
        let tracer = try RequestTracer(settings: TracingSettings(sampleRatio: sample), logger: Logger(label: "test"))
        do {
            try body(tracer)
        } catch {
            await tracer.shutdown()
            throw error
        }
        await tracer.shutdown()
    }

    static func start(_ tracer: RequestTracer, _ incoming: TraceHeaders) -> RequestSpan {
        tracer.startRequest(
            "GET /items", incoming: incoming,
            attributes: RequestAttributes(method: "GET", path: "/items", route: "GET /items", protocolVersion: "1.1", client: nil, service: "s"))
    }

    /// (trace id, parent id, flags) of a version-00 traceparent.
    static func fields(_ traceparent: String?) -> [Substring] {
        traceparent?.split(separator: "-").dropFirst().map { $0 } ?? []
    }

    @Test("a request joins its parent's trace: the backend's parent is the gateway's span, tracestate passes on")
    func joins() async throws {
        try await Self.withTracer(sample: 1) { tracer in
            let span = Self.start(tracer, TraceHeaders(traceparent: Self.parent, tracestate: "vendor=1"))
            let fields = Self.fields(span.outgoing.traceparent)
            #expect(fields.count == 3)
            #expect(fields.first == "4bf92f3577b34da6a3ce929d0e0e4736")
            #expect(fields.dropFirst().first != "00f067aa0ba902b7")
            #expect(fields.last == "01")
            #expect(span.outgoing.tracestate == "vendor=1")
            #expect(span.traceID == "4bf92f3577b34da6a3ce929d0e0e4736")
            #expect(span.isRecording)
            span.finish(RequestOutcome(status: 200))

            // A malformed tracestate is dropped; the trace is still joined.
            let badState = Self.start(tracer, TraceHeaders(traceparent: Self.parent, tracestate: "no-equals-sign"))
            #expect(Self.fields(badState.outgoing.traceparent).first == "4bf92f3577b34da6a3ce929d0e0e4736")
            #expect(badState.outgoing.tracestate == nil)
            badState.finish(RequestOutcome(status: 200))
        }
    }

    @Test("without a valid traceparent a request starts a trace of its own")
    func starts() async throws {
        try await Self.withTracer(sample: 1) { tracer in
            for incoming in [TraceHeaders(), TraceHeaders(traceparent: "00-zz-yy-01")] {
                let span = Self.start(tracer, incoming)
                let traceparent = try #require(span.outgoing.traceparent)
                #expect(TraceHeaders.traceID(ofTraceparent: traceparent) != nil, "\(traceparent)")
                #expect(span.traceID != "4bf92f3577b34da6a3ce929d0e0e4736")
                #expect(traceparent.hasSuffix("-01"))
                span.finish(RequestOutcome(status: 200))
            }
        }
    }

    @Test("sampling: the parent's flag decides; a new trace follows the ratio and propagates unsampled")
    func sampling() async throws {
        try await Self.withTracer(sample: 0) { tracer in
            let root = Self.start(tracer, TraceHeaders())
            #expect(!root.isRecording)
            #expect(root.outgoing.traceparent?.hasSuffix("-00") == true)
            #expect(root.traceID != nil)
            root.finish(RequestOutcome(status: 200))

            let sampled = Self.start(tracer, TraceHeaders(traceparent: Self.parent))
            #expect(sampled.isRecording)
            sampled.finish(RequestOutcome(status: 503, blockedBy: "flow"))
        }
        try await Self.withTracer(sample: 1) { tracer in
            let unsampled = Self.start(tracer, TraceHeaders(traceparent: Self.unsampledParent))
            #expect(!unsampled.isRecording)
            #expect(Self.fields(unsampled.outgoing.traceparent).first == "4bf92f3577b34da6a3ce929d0e0e4736")
            unsampled.finish(RequestOutcome(status: 200))
        }
    }

    @Test("a sample ratio outside 0...1 is refused")
    func badRatio() {
        #expect(throws: TracingSetupError.self) {
            _ = try RequestTracer(settings: TracingSettings(sampleRatio: 1.5), logger: Logger(label: "test"))
        }
    }
}
