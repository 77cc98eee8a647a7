import Testing

@testable import SluiceTracing

@Suite("Trace headers")
struct TraceHeadersTests {
    @Test("the trace id comes from a valid W3C traceparent only")
    func traceparent() {
        let valid = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
        #expect(TraceHeaders.traceID(ofTraceparent: valid) == "4bf92f3577b34da6a3ce929d0e0e4736")
        // A later version may append fields after another dash.
        #expect(TraceHeaders.traceID(ofTraceparent: "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-xyz") != nil)
        for invalid in [
            "", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",  // short
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",  // all-zero trace id
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",  // version ff
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",  // upper case
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-", // version 00 has nothing after the flags
            "00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        ] {
            #expect(TraceHeaders.traceID(ofTraceparent: invalid) == nil, "\(invalid)")
        }
    }

    @Test("an OTLP base URL gains /v1/traces; one with a path is kept; anything but http(s) is refused")
    func tracesURL() {
        #expect(TracingSettings.tracesURL("http://127.0.0.1:4318") == "http://127.0.0.1:4318/v1/traces")
        #expect(TracingSettings.tracesURL("http://127.0.0.1:4318/") == "http://127.0.0.1:4318/v1/traces")
        #expect(TracingSettings.tracesURL("HTTPS://collector.example:443") == "https://collector.example:443/v1/traces")
        #expect(TracingSettings.tracesURL("http://127.0.0.1:4318/custom/traces") == "http://127.0.0.1:4318/custom/traces")
        for invalid in ["", "127.0.0.1:4318", "ftp://host:21", "http://", "http:///v1/traces", "http://user@host:1"] {
            #expect(TracingSettings.tracesURL(invalid) == nil, "\(invalid)")
        }
    }
}

@Suite("Span budget")
struct SpanBudgetTests {
    @Test("a second's budget is spent once, and a new second brings it back")
    func budget() {
        var budget = SpanBudget(perSecond: 2)
        let taken = [budget.take(second: 5), budget.take(second: 5), budget.take(second: 5), budget.take(second: 6)]
        #expect(taken == [true, true, false, true])
        var none = SpanBudget(perSecond: 0)
        let any = none.take(second: 1)
        #expect(!any)
    }
}
