import Logging
import Testing

@testable import SluiceTracing

/// The tracer without an exporter: what each request's span propagates (the exported path is test_tracing.py's).
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
            #expect(!span.isRecording)  // nothing is exported without an exporter
            span.finish(RequestOutcome(status: 200))

            // A tracestate that cannot be one (a control byte; longer than 512 bytes) is dropped; the trace is joined.
            let badState = Self.start(tracer, TraceHeaders(traceparent: Self.parent, tracestate: "a=1\u{1}"))
            #expect(Self.fields(badState.outgoing.traceparent).first == "4bf92f3577b34da6a3ce929d0e0e4736")
            #expect(badState.outgoing.tracestate == nil)
            badState.finish(RequestOutcome(status: 200))
            let long = Self.start(tracer, TraceHeaders(traceparent: Self.parent, tracestate: String(repeating: "k=v,", count: 130)))
            #expect(long.outgoing.tracestate == nil)
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
            #expect(root.outgoing.traceparent?.hasSuffix("-00") == true)
            #expect(root.traceID != nil)
            root.finish(RequestOutcome(status: 200))

            let sampled = Self.start(tracer, TraceHeaders(traceparent: Self.parent))
            #expect(sampled.outgoing.traceparent?.hasSuffix("-01") == true)
            sampled.finish(RequestOutcome(status: 503, blockedBy: "flow"))
        }
        try await Self.withTracer(sample: 1) { tracer in
            let unsampled = Self.start(tracer, TraceHeaders(traceparent: Self.unsampledParent))
            #expect(unsampled.outgoing.traceparent?.hasSuffix("-00") == true)
            #expect(Self.fields(unsampled.outgoing.traceparent).first == "4bf92f3577b34da6a3ce929d0e0e4736")
            unsampled.finish(RequestOutcome(status: 200))
        }
    }

    @Test("a ratio of one half samples about half the new traces, each with an id of its own")
    func ratio() async throws {
        try await Self.withTracer(sample: 0.5) { tracer in
            let spans = (0..<2_000).map { _ in Self.start(tracer, TraceHeaders()) }
            let sampled = spans.filter { $0.outgoing.traceparent?.hasSuffix("-01") == true }.count
            #expect((800...1_200).contains(sampled), "\(sampled)")
            #expect(Set(spans.compactMap(\.traceID)).count == 2_000)
        }
    }

    @Test("trace context: a traceparent read and written back, its flags, and what is refused")
    func context() throws {
        let context = try #require(TraceContext(traceparent: Self.parent))
        #expect(context.traceparent == Self.parent)
        #expect(context.sampled)
        #expect(TraceContext(traceparent: Self.unsampledParent)?.sampled == false)
        // A later version's extra fields are ignored; the child is written as version 00.
        #expect(TraceContext(traceparent: "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-03-extra")?.traceparent
            == "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
        for invalid in ["", "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01", "00-zz-yy-01", Self.parent.uppercased()] {
            #expect(TraceContext(traceparent: invalid) == nil, "\(invalid)")
        }
        #expect(TraceContext(traceHigh: 1, traceLow: 2, spanID: 0xabc, sampled: false).traceparent
            == "00-00000000000000010000000000000002-0000000000000abc-00")
    }

    @Test("a sample ratio outside 0...1 is refused")
    func badRatio() {
        #expect(throws: TracingSetupError.self) {
            _ = try RequestTracer(settings: TracingSettings(sampleRatio: 1.5), logger: Logger(label: "test"))
        }
    }
}
