public import Logging
internal import OTel
internal import ServiceLifecycle
internal import Tracing
internal import Synchronization
internal import W3CTraceContext

/// The gateway's tracer. Every request's trace context (joined or started, sampled or not, and what its backend
/// call carries) is worked out by hand (``TraceContext``); a request that is sampled while spans are exported
/// gets a span from swift-otel's tracer (W3C propagator, batching OTLP/HTTP exporter), whose service group runs
/// from ``init(settings:logger:)`` to ``shutdown()``, so finished spans are always drained (exported, or
/// dropped past the batch queue's bound) and never pile up. swift-otel's span costs tens of microseconds here (a
/// task switch as it starts and as it ends), hence the sample ratio, and a cap on spans a second that no client's
/// sampled flag can lift.
public final class RequestTracer: Sendable {
    private let exporter: Exporter?
    private let random = TraceRandom()
    /// A draw below this samples a new trace (`sampleRatio` of 2⁶⁴).
    private let threshold: UInt64
    private let sampleAll: Bool

    private final class Exporter: Sendable {
        let tracer: any Tracer
        let services: ServiceGroup
        let running: Task<Void, Never>
        let budget: Mutex<SpanBudget>
        let clockOrigin = ContinuousClock.now

        init(tracer: any Tracer, services: ServiceGroup, running: Task<Void, Never>, budget: SpanBudget) {
            self.tracer = tracer
            self.services = services
            self.running = running
            self.budget = Mutex(budget)
        }

        /// Whether this second's span budget has room for one more.
        func takeSpan() -> Bool {
            let second = clockOrigin.duration(to: .now).components.seconds
            return budget.withLock { $0.take(second: second) }
        }
    }

    public init(settings: TracingSettings, logger: Logger) throws(TracingSetupError) {
        guard (0...1).contains(settings.sampleRatio) else {
            throw TracingSetupError("the sample ratio must be between 0 and 1, not \(settings.sampleRatio)")
        }
        sampleAll = settings.sampleRatio >= 1
        threshold = settings.sampleRatio >= 1 ? .max : UInt64(settings.sampleRatio * 18_446_744_073_709_551_615.0)
        guard let endpoint = settings.otlpEndpoint else {
            exporter = nil
            return
        }
        guard let url = TracingSettings.tracesURL(endpoint) else {
            throw TracingSetupError("'\(endpoint)' is not an http:// or https:// URL")
        }
        var configuration = OTel.Configuration.default
        configuration.serviceName = settings.serviceName
        configuration.diagnosticLogger = .custom(logger)
        configuration.propagators = [.traceContext]
        configuration.metrics.enabled = false
        configuration.logs.enabled = false
        // Sampling is decided before a span is asked for: every span asked for is recorded.
        configuration.traces.sampler = .parentBasedAlwaysOn
        configuration.traces.batchSpanProcessor.scheduleDelay = settings.exportInterval
        configuration.traces.exporter = .otlp
        configuration.traces.otlpExporter.protocol = .httpProtobuf
        configuration.traces.otlpExporter.endpoint = url
        let backend: (factory: any Tracer, service: any Service)
        do {
            backend = try OTel.makeTracingBackend(configuration: configuration)
        } catch {
            throw TracingSetupError("\(error)")
        }
        let services = ServiceGroup(configuration: ServiceGroupConfiguration(services: [backend.service], logger: logger))
        let running = Task {
            do {
                try await services.run()
            } catch {
                logger.warning("the span exporter stopped", metadata: ["error": "\(error)"])
            }
        }
        exporter = Exporter(
            tracer: backend.factory, services: services, running: running,
            budget: SpanBudget(perSecond: settings.maxSpansPerSecond))
    }

    /// Starts the server span of one request. `incoming` is what the request brought (a valid `traceparent`
    /// makes its trace the span's, and its sampled flag decides for the span); without one the span starts a
    /// trace, sampled at the configured ratio. `attributes` are made and set only for a span that is exported.
    public func startRequest(_ name: String, incoming: TraceHeaders, attributes: @autoclosure () -> RequestAttributes) -> RequestSpan {
        let parent = incoming.traceparent.flatMap(TraceContext.init(traceparent:))
        let sampled = parent?.sampled ?? (sampleAll || random.next() < threshold)
        guard sampled, let exporter, exporter.takeSpan() else {
            let context = TraceContext(
                traceHigh: parent?.traceHigh ?? random.next(), traceLow: parent?.traceLow ?? random.nonZero(),
                spanID: random.nonZero(), sampled: sampled)
            let tracestate = parent == nil ? nil : TraceContext.passable(tracestate: incoming.tracestate)
            return RequestSpan(span: nil, outgoing: TraceHeaders(traceparent: context.traceparent, tracestate: tracestate))
        }
        var context = InstrumentationContext.topLevel
        // The parent as version 00 writes it: what Sluice joins, swift-otel joins too, whatever version it came as.
        if let parent, let valid = Self.valid(TraceHeaders(traceparent: parent.traceparent, tracestate: incoming.tracestate)) {
            exporter.tracer.extract(valid, into: &context, using: TraceHeadersPropagation())
        }
        let span = exporter.tracer.startSpan(name, context: context, ofKind: .server)
        var outgoing = TraceHeaders()
        exporter.tracer.inject(span.context, into: &outgoing, using: TraceHeadersPropagation())
        if span.isRecording {
            let attributes = attributes()
            span.updateAttributes { attributes.write(into: &$0) }
        }
        return RequestSpan(span: span, outgoing: outgoing)
    }

    /// What of `incoming` swift-otel is given: W3C's rules (a bad `traceparent` starts a new trace, a bad
    /// `tracestate` is dropped), checked here so a client's malformed header is never logged per request by its
    /// propagator.
    private static func valid(_ incoming: TraceHeaders) -> TraceHeaders? {
        guard let traceparent = incoming.traceparent else { return nil }
        if let tracestate = incoming.tracestate,
            (try? TraceContext_W3C(traceParentHeaderValue: traceparent, traceStateHeaderValue: tracestate)) != nil
        {
            return incoming
        }
        guard (try? TraceContext_W3C(traceParentHeaderValue: traceparent)) != nil else { return nil }
        return TraceHeaders(traceparent: traceparent)
    }

    /// Ends the exporter after sending what is batched (bounded by its export timeout).
    public func shutdown() async {
        guard let exporter else { return }
        await exporter.services.triggerGracefulShutdown()
        await exporter.running.value
    }
}

/// swift-w3c-trace-context's parser, which swift-otel's propagator runs.
typealias TraceContext_W3C = W3CTraceContext.TraceContext

public struct TracingSetupError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = "tracing: " + description }
}
