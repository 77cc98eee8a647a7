internal import Logging
internal import NIOCore
internal import SluiceClient
internal import SluiceJSON
internal import SluiceTracing

/// The protocol-neutral request path: router -> binder -> codec -> guard -> client -> codec -> response; the
/// route's ``RouteCall`` holds the protocol (Thrift or gRPC), the dispatcher names neither. Runs entirely on
/// the request's event loop: no locks beyond reading the snapshot, no async.
final class RequestDispatcher: GatewayRequestHandler {
    let state: RuntimeState
    let logger: Logger
    /// The listener's access log; nil when it keeps none.
    let accessLog: AccessLog?
    /// The gateway's tracer; nil when tracing is off, and then nothing on the walk reads or writes trace context.
    let tracer: RequestTracer?

    init(state: RuntimeState, logger: Logger, accessLog: AccessLog? = nil, tracer: RequestTracer? = nil) {
        self.state = state
        self.logger = logger
        self.accessLog = accessLog
        self.tracer = tracer
    }

    func handle<Responder: GatewayResponder>(
        _ request: GatewayRequest,
        on eventLoop: any EventLoop,
        allocator: ByteBufferAllocator,
        responder: Responder
    ) {
        // One read per request: the request keeps this snapshot even if a reload swaps in another.
        let snapshot = state.current
        let recording = snapshot.metrics != nil || accessLog != nil || tracer != nil
        let started = recording ? NIODeadline.now().uptimeNanoseconds : 0
        let route: CompiledRoute
        var match = snapshot.router.match(method: request.method, path: request.path)
        var unservedPreflight = false
        if case .methodNotAllowed(let allowed) = match, let preflight = preflightRoute(snapshot, request, allowed: allowed) {
            // A CORS preflight names the method it asks about: the route that method reaches answers it (or,
            // for a method no route there serves, one that does, refusing it).
            match = .route(preflight.index)
            unservedPreflight = !preflight.served
        }
        switch match {
        case .route(let index) where index < snapshot.routes.count:
            route = snapshot.routes[index]
        case .route(let index) where index - snapshot.routes.count < snapshot.proxyRoutes.count:
            // A proxy route reached by a whole request (a WebSocket message, or a CORS preflight; HTTP streams
            // the others before, see ProxyRouting): sent upstream as is, its response collected into the answer.
            let route = snapshot.proxyRoutes[index - snapshot.routes.count]
            var request = request
            let (pass, answer) = route.plugins.map {
                admit($0, &request, unservedPreflight: unservedPreflight, metrics: route.metrics, allocator: allocator)
            } ?? (nil, nil)
            guard recording else {
                if let answer { return responder.respond(answer) }
                return collect(route, request, trace: nil, pass: pass, on: eventLoop, allocator: allocator, responder: responder)
            }
            let span = trace(request, route: route.configuration.resource, service: route.service)
            let recorder = RecordingResponder(
                inner: responder, metrics: route.metrics, ingress: request.ingress, started: started,
                logging: logging(
                    request, route: route.configuration.resource, service: route.service, consumer: pass?.consumer, trace: span,
                    on: eventLoop),
                trace: span)
            if let answer { return recorder.respond(answer) }
            return collect(route, request, trace: span?.outgoing, pass: pass, on: eventLoop, allocator: allocator, responder: recorder)
        case .route:
            let error = GatewayError(.routeNotFound, "no route for \(request.method) \(request.path)")
            return unrouted(error, snapshot, request, started: started, on: eventLoop, allocator: allocator, responder: responder)
        case .notFound:
            let error = GatewayError(.routeNotFound, "no route for \(request.method) \(request.path)")
            return unrouted(error, snapshot, request, started: started, on: eventLoop, allocator: allocator, responder: responder)
        case .methodNotAllowed(let allowed):
            let error = GatewayError(
                .methodNotAllowed,
                "\(request.path) does not accept \(request.method) (allowed: \(allowed.joined(separator: ", ")))",
                allow: allowed
            )
            return unrouted(error, snapshot, request, started: started, on: eventLoop, allocator: allocator, responder: responder)
        }
        if let chain = route.plugins {
            return handle(
                route, request, plugins: chain, unservedPreflight: unservedPreflight, recording: recording, started: started, on: eventLoop,
                allocator: allocator, responder: responder)
        }
        // Without plugins the request is not copied: nothing edits it.
        guard recording else {
            return serve(route, request, claims: [], trace: nil, on: eventLoop, allocator: allocator, responder: responder)
        }
        let (recorder, span) = record(route, request, consumer: nil, started: started, on: eventLoop, responder: responder)
        serve(route, request, claims: [], trace: span?.outgoing, on: eventLoop, allocator: allocator, responder: recorder)
    }

    /// A compiled route's request through its plugins first.
    private func handle<Responder: GatewayResponder>(
        _ route: CompiledRoute, _ request: GatewayRequest, plugins: PluginChain, unservedPreflight: Bool, recording: Bool, started: UInt64,
        on eventLoop: any EventLoop, allocator: ByteBufferAllocator, responder: Responder
    ) {
        var request = request
        let (pass, answer) = admit(plugins, &request, unservedPreflight: unservedPreflight, metrics: route.metrics, allocator: allocator)
        guard recording else {
            if let answer { return responder.respond(answer) }
            return serve(route, request, trace: nil, pass: pass, on: eventLoop, allocator: allocator, responder: responder)
        }
        let (recorder, span) = record(route, request, consumer: pass?.consumer, started: started, on: eventLoop, responder: responder)
        if let answer { return recorder.respond(answer) }
        serve(route, request, trace: span?.outgoing, pass: pass, on: eventLoop, allocator: allocator, responder: recorder)
    }

    /// The responder that counts, logs and traces a compiled route's answer, and the request's span.
    private func record<Responder: GatewayResponder>(
        _ route: CompiledRoute, _ request: GatewayRequest, consumer: String?, started: UInt64, on eventLoop: any EventLoop,
        responder: Responder
    ) -> (RecordingResponder<Responder>, RequestSpan?) {
        let span = trace(request, route: route.label, service: route.configuration.service, endpoint: route.soleEndpoint)
        let recorder = RecordingResponder(
            inner: responder, metrics: route.metrics, ingress: request.ingress, started: started,
            logging: logging(
                request, route: route.label, service: route.configuration.service, soleEndpoint: route.soleEndpoint,
                consumer: consumer, trace: span, on: eventLoop),
            trace: span)
        return (recorder, span)
    }

    /// Runs a route's plugins: what they let through carries on with the pass (its request fields edited), what
    /// they answer (a preflight, a refusal counted as a block) is the answer.
    private func admit(
        _ chain: PluginChain, _ request: inout GatewayRequest, unservedPreflight: Bool, metrics: RouteMetrics?, allocator: ByteBufferAllocator
    ) -> (pass: PluginPass?, answer: GatewayResponse?) {
        let admission = chain.admit(
            method: request.method, FlowRequestItems(request), bodySize: request.body?.readableBytes, unservedPreflight: unservedPreflight,
            allocator: allocator)
        switch admission {
        case .proceed(let pass):
            if pass.editsRequest { request.headers.edit(pass.editRequest) }
            if let query = pass.editQuery(request.query) { request.query = query }
            return (pass, nil)
        case .preflight(let response):
            return (nil, response)
        case .refuse(let error, let pass):
            metrics?.pluginBlocked(plugin: error.plugin ?? "", code: error.code.name)
            // The pass goes on only to name the consumer in the log.
            return (pass, pass.finish(error.response(allocator: allocator), allocator: allocator))
        }
    }

    /// The route a CORS preflight (`OPTIONS` with `Origin` and `Access-Control-Request-Method`) asks about, when
    /// that route runs `cors`; nil for any other request.
    private func preflightRoute(_ snapshot: RuntimeSnapshot, _ request: GatewayRequest, allowed: [String]) -> (index: Int, served: Bool)? {
        guard request.method == "OPTIONS", request.headers.first("origin") != nil,
            let asked = request.headers.first("access-control-request-method")
        else { return nil }
        func corsRoute(_ method: String) -> Int? {
            guard case .route(let index) = snapshot.router.match(method: method, path: request.path) else { return nil }
            let chain = index < snapshot.routes.count
                ? snapshot.routes[index].plugins : snapshot.proxyRoutes[index - snapshot.routes.count].plugins
            return chain?.settings.cors != nil ? index : nil
        }
        if case .route = snapshot.router.match(method: asked, path: request.path) {
            return corsRoute(asked).map { ($0, true) }
        }
        return allowed.lazy.compactMap(corsRoute).first.map { ($0, false) }
    }

    /// A whole request to a proxy route, its answer edited as its plugins say.
    private func collect<Responder: GatewayResponder>(
        _ route: ProxyRoute, _ request: GatewayRequest, trace: TraceHeaders?, pass: PluginPass?, on eventLoop: any EventLoop,
        allocator: ByteBufferAllocator, responder: Responder
    ) {
        if let pass, pass.editsResponse {
            let responder = PluginResponder(inner: responder, pass: pass, allocator: allocator)
            return ProxyCollector.start(route, request: request, trace: trace, on: eventLoop, allocator: allocator, responder: responder)
        }
        ProxyCollector.start(route, request: request, trace: trace, on: eventLoop, allocator: allocator, responder: responder)
    }

    /// The walk from binding on, its answer edited as the route's plugins say.
    private func serve<Responder: GatewayResponder>(
        _ route: CompiledRoute, _ request: GatewayRequest, trace: TraceHeaders?, pass: PluginPass?, on eventLoop: any EventLoop,
        allocator: ByteBufferAllocator, responder: Responder
    ) {
        let claims = pass?.claimValues ?? []
        if let pass, pass.editsResponse {
            return serve(
                route, request, claims: claims, trace: trace, on: eventLoop, allocator: allocator,
                responder: PluginResponder(inner: responder, pass: pass, allocator: allocator))
        }
        serve(route, request, claims: claims, trace: trace, on: eventLoop, allocator: allocator, responder: responder)
    }

    /// A request no route takes: answered with `error`, and counted and logged under no route.
    private func unrouted<Responder: GatewayResponder>(
        _ error: GatewayError, _ snapshot: RuntimeSnapshot, _ request: GatewayRequest, started: UInt64,
        on eventLoop: any EventLoop, allocator: ByteBufferAllocator, responder: Responder
    ) {
        var response = error.response(allocator: allocator)
        // The gateway's plugins still shape it (its envelope, its response headers).
        if let global = snapshot.plugins { response = PluginPass(chain: global).finish(response, allocator: allocator) }
        let elapsed = NIODeadline.now().uptimeNanoseconds &- started
        snapshot.metrics?.route(GatewayMetrics.unmatchedRoute).answered(status: response.status, ingress: request.ingress, elapsed: elapsed)
        let span = trace(request, route: nil, service: nil)
        logging(request, route: nil, service: nil, trace: span, on: eventLoop)?.record(response, elapsed: elapsed)
        span?.finish(RequestOutcome(status: response.status, blockedBy: response.blockedBy))
        responder.respond(response)
    }

    /// The request half of the access log entry; nil when the listener keeps no log.
    private func logging(
        _ request: GatewayRequest, route: String?, service: String?, soleEndpoint: String? = nil, consumer: String? = nil,
        trace: RequestSpan?, on eventLoop: any EventLoop
    ) -> AccessLogging? {
        guard let accessLog else { return nil }
        var entry = AccessLogRequest(request)
        entry.route = route
        entry.service = service
        entry.consumer = consumer
        // The trace the request joined or started: a created id is logged too.
        if let trace { entry.traceID = trace.traceID }
        return AccessLogging(log: accessLog, request: entry, eventLoop: eventLoop, soleEndpoint: soleEndpoint)
    }

    /// The request's server span; nil when tracing is off.
    private func trace(_ request: GatewayRequest, route: String?, service: String?, endpoint: String? = nil) -> RequestSpan? {
        guard let tracer else { return nil }
        let incoming = TraceHeaders(traceparent: request.headers.first("traceparent"), tracestateFields: request.headers.values("tracestate"))
        return tracer.startRequest(
            route ?? request.method, incoming: incoming,
            attributes: RequestAttributes(
                method: request.method, path: request.path, route: route, protocolVersion: request.ingress == .http2 ? "2" : "1.1",
                client: request.clientAddress, service: service, endpoint: endpoint))
    }

    /// The walk from binding to the answer, for a request the router gave `route`. `claims`: a verified token's
    /// values, ahead of every bound value, so they are what the call gets.
    private func serve<Responder: GatewayResponder>(
        _ route: CompiledRoute, _ request: GatewayRequest, claims: [BoundValue], trace: TraceHeaders?, on eventLoop: any EventLoop,
        allocator: ByteBufferAllocator, responder: Responder
    ) {
        var input: CallInput
        do throws(BindingError) {
            input = try route.binder.bind(request)
        } catch {
            return responder.respond(GatewayError(binding: error).response(allocator: allocator))
        }
        if !claims.isEmpty { input.bound.insert(contentsOf: claims, at: 0) }
        // Request messages that follow the request (WebSocket items) go to a call that streams requests, each
        // encoded as it comes; opened now, before returning, so the adapter knows where the next ones go.
        let streamed = route.call.streamsRequests ? request.messages?.open() : nil
        // Encode before the guard: a request that cannot be sent never takes a guard's permit.
        let encoded: ByteBuffer
        if streamed != nil {
            encoded = ByteBuffer()  // unused: each message is encoded as it comes
        } else {
            switch route.call.encode(input, allocator: allocator) {
            case .success(let bytes): encoded = bytes
            case .failure(let error): return responder.respond(error.response(allocator: allocator))
            }
        }

        let hashKey = route.call.hashKey(request, input: input)
        guard let flowGuard = route.flowGuard else {
            return call(
                route, encoded, headers: request.headers, trace: trace, streamed: streamed, cancellation: request.cancellation,
                hashKey: hashKey, ticket: nil, on: eventLoop, allocator: allocator, responder: responder)
        }
        switch flowGuard.admit(request, input: input, now: flowGuard.now()) {
        case .admit(let ticket):
            route.metrics?.passed()
            call(
                route, encoded, headers: request.headers, trace: trace, streamed: streamed, cancellation: request.cancellation,
                hashKey: hashKey, ticket: ticket, on: eventLoop, allocator: allocator, responder: responder)
        case .delay(let delay, let ticket):
            route.metrics?.passed()
            let headers = request.headers
            let cancellation = request.cancellation
            eventLoop.assumeIsolated().scheduleTask(in: delay) {
                self.call(
                    route, encoded, headers: headers, trace: trace, streamed: streamed, cancellation: cancellation, hashKey: hashKey,
                    ticket: ticket, on: eventLoop, allocator: allocator, responder: responder)
            }
        case .reject(let error):
            streamed?.close()
            route.metrics?.blocked(code: error.code.name, rule: error.rule)
            responder.respond(error.response(allocator: allocator))
        }
    }

    private func call<Responder: GatewayResponder>(
        _ route: CompiledRoute,
        _ encoded: ByteBuffer,
        headers: GatewayHeaders,
        trace: TraceHeaders?,
        streamed: RequestMessageStream?,
        cancellation: CallCancellation?,
        hashKey: UInt64?,
        ticket: GuardTicket?,
        on eventLoop: any EventLoop,
        allocator: ByteBufferAllocator,
        responder: Responder
    ) {
        route.call.send(
            encoded, headers: headers, trace: trace, streamed: streamed, cancellation: cancellation, hashKey: hashKey, on: eventLoop,
            allocator: allocator
        ) { result in
            let response: GatewayResponse
            let outcome: GuardOutcome
            switch result {
            case .success(let answer):
                (response, outcome) = answer
            case .failure(let error):
                // A call its client gave up on is no backend failure.
                let cancelled = (error as? ClientError)?.kind == .cancelled
                self.logger.log(
                    level: cancelled ? .debug : .warning,
                    "backend call failed",
                    metadata: ["service": "\(route.configuration.service)", "call": "\(route.configuration.call)", "error": "\(error)"]
                )
                let error = GatewayError(client: error, service: route.configuration.service)
                (response, outcome) = (error.response(allocator: allocator), cancelled ? .success : .failure)
            }
            if let ticket, let flowGuard = route.flowGuard {
                if let stream = response.stream {
                    // A streamed response's call is over only when its stream ends.
                    stream.whenFinished { outcome in flowGuard.complete(ticket, outcome: outcome, now: flowGuard.now()) }
                } else {
                    flowGuard.complete(ticket, outcome: outcome, now: flowGuard.now())
                }
            }
            responder.respond(response)
        }
    }
}
