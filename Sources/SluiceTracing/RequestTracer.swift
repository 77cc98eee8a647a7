public import Logging
internal import OTel
internal import ServiceLifecycle
internal import Tracing
internal import W3CTraceContext

/// The gateway's tracer: swift-otel's, with a W3C propagator, a parent-based ratio sampler and (when an OTLP
/// endpoint is set) a batching OTLP/HTTP exporter. It runs its own service group from ``init(settings:logger:)``
/// to ``shutdown()``, so finished spans are always drained (exported, or dropped past the batch queue's bound)
/// and never pile up, whoever starts the gateway.
public final class RequestTracer: Sendable {
    private let tracer: any Tracer
    private let services: ServiceGroup
    private let running: Task<Void, Never>

    public init(settings: TracingSettings, logger: Logger) throws(TracingSetupError) {
        var configuration = OTel.Configuration.default
        configuration.serviceName = settings.serviceName
        configuration.diagnosticLogger = .custom(logger)
        configuration.propagators = [.traceContext]
        configuration.metrics.enabled = false
        configuration.logs.enabled = false
        guard let sampler = OTel.Configuration.TracesConfiguration.SamplerConfiguration.parentBasedTraceIDRatio(ratio: settings.sampleRatio) else {
            throw TracingSetupError("the sample ratio must be between 0 and 1, not \(settings.sampleRatio)")
        }
        configuration.traces.sampler = sampler
        configuration.traces.batchSpanProcessor.scheduleDelay = settings.exportInterval
        if let endpoint = settings.otlpEndpoint {
            guard let url = TracingSettings.tracesURL(endpoint) else {
                throw TracingSetupError("'\(endpoint)' is not an http:// or https:// URL")
            }
            configuration.traces.exporter = .otlp
            configuration.traces.otlpExporter.protocol = .httpProtobuf
            configuration.traces.otlpExporter.endpoint = url
        } else {
            configuration.traces.exporter = .none
        }
        let backend: (factory: any Tracer, service: any Service)
        do {
            backend = try OTel.makeTracingBackend(configuration: configuration)
        } catch {
            throw TracingSetupError("\(error)")
        }
        self.tracer = backend.factory
        let services = ServiceGroup(configuration: ServiceGroupConfiguration(services: [backend.service], logger: logger))
        self.services = services
        self.running = Task {
            do {
                try await services.run()
            } catch {
                logger.warning("the span exporter stopped", metadata: ["error": "\(error)"])
            }
        }
    }

    /// Starts the server span of one request. `incoming` is what the request brought (a valid `traceparent`
    /// makes its trace the span's, and its sampled flag decides for the span); without one the span starts a
    /// trace. `attributes` are set only on a span that records.
    public func startRequest(_ name: String, incoming: TraceHeaders, attributes: RequestAttributes) -> RequestSpan {
        var context = InstrumentationContext.topLevel
        if let valid = Self.valid(incoming) {
            tracer.extract(valid, into: &context, using: TraceHeadersPropagation())
        }
        let span = tracer.startSpan(name, context: context, ofKind: .server)
        var outgoing = TraceHeaders()
        tracer.inject(span.context, into: &outgoing, using: TraceHeadersPropagation())
        if span.isRecording { span.updateAttributes { attributes.write(into: &$0) } }
        return RequestSpan(span: span, outgoing: outgoing)
    }

    /// What of `incoming` to join: W3C's rules (a bad `traceparent` starts a new trace, a bad `tracestate` is
    /// dropped), checked here so a client's malformed header is never logged per request by the propagator.
    private static func valid(_ incoming: TraceHeaders) -> TraceHeaders? {
        guard let traceparent = incoming.traceparent else { return nil }
        if let tracestate = incoming.tracestate,
            (try? TraceContext(traceParentHeaderValue: traceparent, traceStateHeaderValue: tracestate)) != nil
        {
            return incoming
        }
        guard (try? TraceContext(traceParentHeaderValue: traceparent)) != nil else { return nil }
        return TraceHeaders(traceparent: traceparent)
    }

    /// Ends the exporter after sending what is batched (bounded by its export timeout).
    public func shutdown() async {
        await services.triggerGracefulShutdown()
        await running.value
    }
}

public struct TracingSetupError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = "tracing: " + description }
}
