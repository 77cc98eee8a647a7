internal import NIOCore
internal import NIOHTTP1
internal import SluiceTracing
internal import SluiceClient

/// One proxied request: the client's request head, body and end go to a pooled upstream connection as they
/// arrive, and the upstream's response to the client the same way. Each side is read only as fast as the
/// other writes (reads are held back while the destination socket is not writable), so neither body is
/// ever held whole, whatever its size.
///
/// The upstream is chosen, and a failed attempt retried, by the service's cluster (``HTTPUpstream``): each
/// attempt hands this exchange a link, which it writes the request on (again from `replay`, for a request whose
/// body it kept), and the response head ends the attempt. Only then is the head relayed, so a retried attempt's
/// response never reaches the client.
///
/// Lives on the client connection's event loop, where its upstream connection lives too.
final class ProxyExchange: UpstreamConnectionDelegate {
    enum Phase {
        /// Responses to earlier pipelined requests are still owed.
        case waitingForTurn
        case connecting
        case streaming(UpstreamLink)
        case finished
    }

    let route: ProxyRoute
    let request: HTTPRequestHead
    let upstreamRequest: HTTPRequestHead
    let eventLoop: any EventLoop
    var client: (any ProxyClient)?
    var phase = Phase.waitingForTurn
    /// Body parts read before the upstream connection was there (at most what one read delivered).
    private var pendingBody: [ByteBuffer] = []
    /// Every body part written, when the request may be sent again after it was written (``replayable``).
    private(set) var replay: [ByteBuffer]?
    /// The attempt whose link is in `phase`, until its response head or its failure.
    var attempt: HTTPAttempt?
    /// A response head held while the cluster decides whether the call ends with it, and the hedged leg it came
    /// on (nil when it came on the exchange's own link).
    var heldHead: HTTPResponseHead?
    var heldLeg: ProxyLeg?
    /// Hedged attempts' links, while no response head has won (`ProxyExchange+Hedge`).
    var legs: [ProxyLeg] = []
    /// Ends a retry's backoff when the client leaves; made only for calls that may be retried.
    private var cancellation: CallCancellation?
    /// `100 Continue` was sent to the client (once, whatever the attempts).
    private var continued = false
    private var bodyBytes = 0
    /// The client's request end arrived.
    private(set) var requestEnded = false
    private(set) var requestTrailers: HTTPHeaders?
    /// ...and was sent upstream.
    var requestSent = false
    /// Request parts written upstream during a client read, flushed together when it completes.
    private var upstreamFlushPending = false
    /// Set once the response head went to the client.
    var framing: ProxyResponseFraming?
    var closeAfterResponse = false
    var upstreamKeepAlive = true
    /// A WebSocket upgrade request (RFC 6455 §4.1), and then whether the upstream accepted it.
    let isUpgrade: Bool
    var upgraded = false
    var headTimer: Scheduled<Void>?
    /// The route's `request_timeout`, until the request's end arrives.
    private var requestTimer: Scheduled<Void>?
    /// A gRPC upstream's response head that carried `grpc-status`: the response is trailers-only, and goes to
    /// the client as one header block ending it when the upstream's end follows.
    var grpcTrailersOnly: HTTPHeaders?
    /// A gRPC-Web call, translated to gRPC upstream and back.
    var grpcWeb: GRPCWebCall?
    /// The client's address, for flow rules keyed on it.
    let clientAddress: String?
    /// When the request's head arrived (uptime nanoseconds), for the route's metrics and the access log; 0
    /// without either.
    let started: UInt64
    private var metered = false
    /// The request half of the access log entry; nil when the listener keeps no log.
    private let logging: AccessLogging?
    /// The request's server span; nil when tracing is off.
    private let trace: RequestSpan?
    /// The endpoint of the link the response comes on, and how many attempts opened one, for the access log.
    var upstreamEndpoint: Endpoint?
    var attemptsOpened = 0
    /// What the route's flow guard admitted, until the exchange ends; and how it is ending.
    var flowTicket: GuardTicket?
    var flowOutcome = GuardOutcome.failure
    /// What the route's plugins let through (its answer's edits), or what they answer instead; none when the
    /// route has no plugins, or the dispatcher ran them (a collected request).
    private(set) var plugins: PluginPass?
    private var pluginAnswer: PluginAnswer?

    private enum PluginAnswer {
        case preflight(GatewayResponse)
        case refuse(GatewayError)
    }

    init(route: ProxyRoute, request: HTTPRequestHead, target: String, origin: ProxyHeaders.Origin, client: any ProxyClient, eventLoop: any EventLoop) {
        var target = target
        self.route = route
        self.request = request
        self.eventLoop = eventLoop
        self.client = client
        self.clientAddress = origin.clientAddress
        let tracer = client.tracer
        self.started = route.metrics == nil && client.accessLog == nil && tracer == nil ? 0 : NIODeadline.now().uptimeNanoseconds
        let trace = tracer.map { Self.trace(request, route: route, client: origin.clientAddress, ingress: client.ingress, tracer: $0) }
        self.trace = trace
        var headers = ProxyHeaders.request(request.headers, origin: origin, fallbackHost: nil)
        if let chain = route.plugins, client.ingress != nil {
            let query = request.uri.utf8.firstIndex(of: UInt8(ascii: "?")).map { request.uri[request.uri.index(after: $0)...] } ?? ""
            let items = FlowRequestItems(headers: GatewayHeaders(http1: request.headers), query: query, remoteAddress: origin.clientAddress)
            switch chain.admit(method: request.method.rawValue, items, allocator: client.allocator) {
            case .proceed(let pass):
                plugins = pass
                if pass.editsRequest { pass.editRequest(&headers) }
                if let mark = target.utf8.firstIndex(of: UInt8(ascii: "?")),
                    let query = pass.editQuery(target[target.index(after: mark)...])
                {
                    target = String(target[..<mark]) + (query.isEmpty ? "" : "?" + query)
                }
            case .preflight(let response): pluginAnswer = .preflight(response)
            case .refuse(let error, let pass):
                plugins = pass
                pluginAnswer = .refuse(error)
            }
        }
        let consumer = plugins?.consumer
        self.logging = client.accessLog.map { log in
            var entry = AccessLogRequest(request, client: origin.clientAddress, ingress: client.ingress ?? .http1)
            entry.route = route.configuration.resource
            entry.service = route.service
            entry.consumer = consumer
            if let trace { entry.traceID = trace.traceID }
            return AccessLogging(log: log, request: entry, eventLoop: eventLoop, soleEndpoint: nil)
        }
        // The upstream's parent is the gateway's span; the client's own trace context goes no further.
        if let outgoing = trace?.outgoing {
            headers.remove(name: "traceparent")
            headers.remove(name: "tracestate")
            if let traceparent = outgoing.traceparent { headers.add(name: "traceparent", value: traceparent) }
            if let tracestate = outgoing.tracestate { headers.add(name: "tracestate", value: tracestate) }
        }
        if request.headers["transfer-encoding"].contains(where: { $0.lowercased().contains("chunked") }) {
            headers.add(name: "transfer-encoding", value: "chunked")
        }
        // A gRPC service's `authority` names it to its backends, as the gateway's own gRPC calls do.
        if route.grpc != nil, let authority = route.upstream.configuration.grpc.authority {
            headers.replaceOrAdd(name: "host", value: authority)
        }
        if route.grpc != nil, let type = request.headers.first(name: "content-type"), let mode = GRPCWebCall.Mode(contentType: type) {
            let call = GRPCWebCall(mode: mode)
            headers = call.upstreamHeaders(headers)
            grpcWeb = call
        }
        self.upstreamRequest = HTTPRequestHead(version: .http1_1, method: request.method, uri: target, headers: headers)
        isUpgrade = request.method == .GET && ProxyHeaders.isWebSocketUpgrade(request.headers)
        // A request asking for any upgrade stops NIO's decoder (llhttp) whatever the answer: no request can
        // follow it on this connection.
        let asksUpgrade = request.headers.contains(name: "upgrade")
            && request.headers[canonicalForm: "connection"].contains { $0.lowercased() == "upgrade" }
        closeAfterResponse = !request.isKeepAlive || asksUpgrade
    }

    // MARK: client side

    var isWaitingForTurn: Bool {
        if case .waitingForTurn = phase { return true }
        return false
    }

    /// Connecting, or the request is sent and the response head not here: `timeout` bounds this wait, not
    /// the listener's idle timeout.
    var isWaitingOnUpstream: Bool {
        switch phase {
        case .connecting: return true
        case .streaming: return requestSent && framing == nil
        case .waitingForTurn, .finished: return false
        }
    }

    /// Read the client only while its body can go upstream at once (to every link it is going to).
    var wantsClientRead: Bool {
        guard !requestEnded else { return false }
        switch phase {
        case .streaming(let lease): return lease.connection.channel.isWritable && legsWritable
        case .connecting: return !legs.isEmpty && legsWritable
        case .waitingForTurn, .finished: return false
        }
    }

    /// The response head (the upstream's, or the gateway's own) goes to the client now: counted once on the
    /// route. A client that collects the response (a WebSocket message) is counted by the dispatcher instead.
    /// `bytesOut`: the body's declared length, nil when it streams; `blockedBy`: the flow rule that refused.
    func meterAnswer(_ status: Int, bytesOut: Int?, blockedBy: String? = nil) {
        guard !metered, let ingress = client?.ingress else { return }
        metered = true
        let elapsed = NIODeadline.now().uptimeNanoseconds &- started
        route.metrics?.answered(status: status, ingress: ingress, elapsed: elapsed)
        guard logging != nil || trace != nil else { return }
        let endpoint = attemptsOpened > 0 ? upstreamEndpoint?.description : nil
        let attempts = attemptsOpened > 0 ? attemptsOpened : nil
        trace?.finish(RequestOutcome(status: status, endpoint: endpoint, attempts: attempts, blockedBy: blockedBy))
        guard let logging else { return }
        let entry = AccessLogEntry(
            request: logging.request, status: status, latency: elapsed, bytesOut: bytesOut, endpoint: endpoint, attempts: attempts,
            blockedBy: blockedBy)
        logging.log.record(entry, on: eventLoop)
    }

    /// The proxied request's server span, joining the trace its `traceparent` names.
    private static func trace(
        _ request: HTTPRequestHead, route: ProxyRoute, client: String?, ingress: IngressProtocol?, tracer: RequestTracer
    ) -> RequestSpan {
        let incoming = TraceHeaders(traceparent: request.headers.first(name: "traceparent"), tracestateFields: request.headers["tracestate"])
        let path = request.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        return tracer.startRequest(
            route.configuration.resource, incoming: incoming,
            attributes: RequestAttributes(
                method: request.method.rawValue, path: path, route: route.configuration.resource,
                protocolVersion: ingress == .http2 ? "2" : "1.1", client: client, service: route.service))
    }

    /// Every earlier response is written: take an upstream connection.
    func start() {
        guard case .waitingForTurn = phase else { return }
        if let timeout = route.requestTimeout, !requestEnded {
            requestTimer = eventLoop.assumeIsolated().scheduleTask(in: timeout) {
                guard !self.requestEnded, !self.isFinished else { return }
                self.abort(GatewayError(.requestTimeout, "the request did not arrive within its route's request_timeout"))
            }
        }
        switch pluginAnswer {
        case .refuse(let error):
            route.metrics?.pluginBlocked(plugin: error.plugin ?? "", code: error.code.name)
            return respond(error, close: !requestEnded)
        case .preflight(let response):
            return respond(response, close: !requestEnded)
        case nil: break
        }
        if route.grpc == .unimplemented {
            let path = request.uri.split(separator: "?", maxSplits: 1).first ?? ""
            return respond(GatewayError(.notImplemented, "no service has the method \(path)"), close: !requestEnded)
        }
        if let limit = route.maxBody, let length = request.headers.first(name: "content-length").flatMap(Int.init), length > limit {
            return respond(GatewayError(.payloadTooLarge, "the request body is larger than the route's limit"), close: true)
        }
        if let flowGuard = route.flowGuard {
            switch admit(flowGuard) {
            case .admit(let ticket):
                route.metrics?.passed()
                flowTicket = ticket
            case .delay(let delay, let ticket):
                route.metrics?.passed()
                flowTicket = ticket
                // Body parts wait in `pendingBody`, and the client is not read, until the call goes.
                phase = .connecting
                eventLoop.assumeIsolated().scheduleTask(in: delay) { self.connect() }
                return
            case .reject(let error):
                route.metrics?.blocked(code: error.code.name, rule: error.rule)
                return respond(error, close: !requestEnded)
            }
        }
        connect()
    }

    private func connect() {
        guard !isFinished else { return }
        phase = .connecting
        let policy = route.configuration.callPolicy
        let retries = (policy.retry ?? route.upstream.configuration.cluster.retry) != nil
            || (policy.hedge ?? route.upstream.configuration.cluster.hedge) != nil
        if retries {
            cancellation = CallCancellation()
            if replayable { replay = [] }
        }
        let call = HTTPClusterCall(
            timeout: headTimeout, cancellation: cancellation, webSocket: isUpgrade, replayable: replay != nil,
            receiver: ProxyAttemptReceiver(self, eventLoop: eventLoop))
        let items = route.upstream.hashesRequests ? requestItems : nil
        route.upstream.send(call, items: items, policy: policy.isEmpty ? nil : policy, on: eventLoop) { result in
            self.callEnded(result)
        }
    }

    /// Bodies up to this size are kept for a retry after they were written.
    static let replayLimit = 64 * 1024

    /// Whether the whole request can be kept for a retry: no body, or one whose declared length is small.
    private var replayable: Bool {
        if request.headers.contains(name: "transfer-encoding") { return false }
        guard let length = request.headers.first(name: "content-length") else { return grpcWeb == nil && route.grpc == nil }
        return Int(length).map { $0 <= Self.replayLimit } ?? false
    }

    func receive(_ part: HTTPServerRequestPart) {
        switch part {
        case .head: assertionFailure("a request head inside a proxied request")
        case .body(let chunk): clientBody(chunk)
        case .end(let trailers): clientEnd(trailers)
        }
    }

    private func clientBody(_ chunk: ByteBuffer) {
        var chunk = chunk
        if var call = grpcWeb {
            guard let decoded = call.requestBody(chunk) else {
                return abort(GatewayError(.badRequest, "the gRPC-Web text body is not base64"))
            }
            grpcWeb = call
            chunk = decoded
        }
        bodyBytes += chunk.readableBytes
        if let limit = route.maxBody, bodyBytes > limit {
            return abort(GatewayError(.payloadTooLarge, "the request body is larger than the route's limit"))
        }
        switch phase {
        case .streaming(let lease):
            lease.connection.handler.write(.body(.byteBuffer(chunk)), flush: false)
            for leg in legs { leg.handler.write(.body(.byteBuffer(chunk)), flush: false) }
            replay?.append(chunk)
            flushUpstream()
        case .connecting where !legs.isEmpty:
            for leg in legs { leg.handler.write(.body(.byteBuffer(chunk)), flush: false) }
            replay?.append(chunk)
            flushUpstream()
        case .waitingForTurn, .connecting: pendingBody.append(chunk)
        case .finished: break
        }
    }

    private func clientEnd(_ trailers: HTTPHeaders?) {
        if let grpcWeb, !grpcWeb.requestComplete {
            return abort(GatewayError(.badRequest, "the gRPC-Web text body ends inside a base64 group"))
        }
        requestEnded = true
        requestTimer?.cancel()
        requestTimer = nil
        requestTrailers = trailers
        for leg in legs { sendEnd(leg) }
        if case .streaming(let lease) = phase { sendEnd(lease) }
    }

    /// The client read that delivered request parts is over: they go upstream in one socket write.
    func clientReadComplete() {
        guard upstreamFlushPending else { return }
        upstreamFlushPending = false
        if case .streaming(let lease) = phase { lease.connection.handler.flush() }
        for leg in legs { leg.handler.flush() }
    }

    /// Sends what was written upstream now, or at ``clientReadComplete()`` when a client read is under way.
    private func flushUpstream() {
        if client?.isReadingRequest == true {
            upstreamFlushPending = true
        } else {
            upstreamFlushPending = false
            if case .streaming(let lease) = phase { lease.connection.handler.flush() }
            for leg in legs { leg.handler.flush() }
        }
    }

    func clientWritabilityChanged() {
        guard case .streaming(let lease) = phase, client?.isWritable == true else { return }
        lease.connection.handler.resumeReading()
    }

    /// The client connection closed: the upstream request is cut off and its connection not reused.
    func clientClosed() {
        guard !isFinished else { return }
        // A client that left is not the upstream's failure, unless the upstream had already failed.
        completeFlow(framing == nil ? .success : flowOutcome)
        if !metered {
            // Nothing will answer: the span ends here (nginx's 499, client closed request), so none is left open.
            metered = true
            trace?.finish(RequestOutcome(status: 499, attempts: attemptsOpened > 0 ? attemptsOpened : nil))
        }
        let lease = takeLease()
        phase = .finished
        headTimer?.cancel()
        client = nil
        lease?.release(reusable: false)
        endCall()
    }

    // MARK: the upstream connection

    /// An attempt's link: the request goes out on it, from the start.
    func opened(_ link: UpstreamLink, _ attempt: HTTPAttempt, endpoint: Endpoint) {
        if case .streaming = phase, framing == nil, heldHead == nil, client != nil {
            // A hedge: the exchange's own link is still waiting for its head.
            return openLeg(link, attempt, endpoint: endpoint)
        }
        guard case .connecting = phase else {
            // The exchange ended while the link was on its way; nothing was sent on it.
            link.release(reusable: true)
            return attempt.fail(ClientError(.cancelled, "the client went away"))
        }
        phase = .streaming(link)
        self.attempt = attempt
        attemptsOpened += 1
        upstreamEndpoint = endpoint
        requestSent = false
        link.connection.handler.delegate = self
        if !continued, request.headers.first(name: "expect")?.lowercased() == "100-continue", !requestEnded, let client {
            continued = true
            client.proxyContinue()
        }
        let handler = link.connection.handler
        handler.write(.head(link.head(attemptHead(attempt, endpoint: endpoint), clientHeaders: request.headers)), flush: false)
        for chunk in replay ?? [] { handler.write(.body(.byteBuffer(chunk)), flush: false) }
        for chunk in pendingBody { handler.write(.body(.byteBuffer(chunk)), flush: false) }
        replay?.append(contentsOf: pendingBody)
        pendingBody = []
        if requestEnded { sendEnd(link) } else { flushUpstream() }
        client?.proxyResumeReading()
    }

    /// The head an attempt sends: with the endpoint as `Host` when the client sent none (HTTP/1.0), and the
    /// attempt's wait in the service's `deadline_header`, replaced rather than added, since a client's own
    /// value would claim a wait the gateway does not give.
    func attemptHead(_ attempt: HTTPAttempt, endpoint: Endpoint) -> HTTPRequestHead {
        var head = upstreamRequest
        if !head.headers.contains(name: "host") { head.headers.add(name: "Host", value: endpoint.description) }
        if let name = route.upstream.configuration.deadlineHeader {
            head.headers.replaceOrAdd(name: name, value: String(attempt.timeout.nanoseconds / 1_000_000))
        }
        return head
    }

    func sendEnd(_ lease: UpstreamLink) {
        lease.connection.handler.write(lease.end(trailers: requestTrailers, clientVersion: request.version), flush: true)
        requestSent = true
        // That flush sent the head and body parts written before it too.
        upstreamFlushPending = false
        guard framing == nil, let timeout = attempt?.timeout else { return }
        headTimer = eventLoop.assumeIsolated().scheduleTask(in: timeout) {
            self.headTimedOut()
        }
    }

    /// How long the call may take, all attempts together, each waiting for a connection and then (once the
    /// request is sent) for the response head: the route's or service's timeout, or for a gRPC call with a
    /// `grpc-timeout` that deadline (the client waits that long, and the backend enforces it).
    private var headTimeout: TimeAmount {
        if route.grpc != nil, let value = request.headers.first(name: "grpc-timeout"), let timeout = GRPCTimeout.parse(value) {
            return timeout
        }
        return route.configuration.callPolicy.timeout ?? route.upstream.configuration.requestTimeout
    }

    private func headTimedOut() {
        guard framing == nil, !isFinished, attempt != nil else { return }
        failAttempt(ClientError(.requestTimeout, "no response head in time", requestWritten: true))
    }

    /// The attempt on the current link failed before its response head: the link is dropped (its request or
    /// response is unfinished), and the cluster retries the call or ends it (``callEnded(_:)``).
    func failAttempt(_ error: ClientError) {
        guard let attempt else { return }
        self.attempt = nil
        headTimer?.cancel()
        headTimer = nil
        dropLink()
        attempt.fail(error)
    }

    /// Gives up the current link while the call goes on: the exchange waits for the next attempt's.
    func dropLink() {
        guard case .streaming(let link) = phase else { return }
        phase = .connecting
        link.release(reusable: false)
    }

    /// The call is over: with the reply whose head is held (relayed now), or with the failure the client hears.
    private func callEnded(_ result: Result<HTTPAttemptReply, any Error>) {
        switch result {
        case .success(let reply):
            if let head = heldHead {
                heldHead = nil
                if let leg = heldLeg {
                    heldLeg = nil
                    promote(leg)
                }
                dropLegs()
                return relay(head)
            }
            dropLegs()
            // The reply of an attempt whose response was dropped for a retry that then could not be made.
            guard !isFinished, framing == nil else { return }
            let code: GatewayError.Code = reply.status == 503 ? .unavailable : .badGateway
            respond(GatewayError(code, "service '\(route.service)' answered \(reply.status), and no other attempt could be made"), close: !requestEnded)
        case .failure(let error):
            dropLegs()
            guard !isFinished, framing == nil else { return }
            dropLink()
            respond(GatewayError(client: error, service: route.service), close: !requestEnded)
        }
    }

    /// Fails the attempt in progress and ends a retry's backoff: the exchange is over.
    private func endCall() {
        dropLegs()
        if let attempt {
            self.attempt = nil
            attempt.fail(ClientError(.cancelled, "the client went away"))
        }
        cancellation?.cancel()
    }

    // MARK: ending

    var isFinished: Bool {
        if case .finished = phase { return true }
        return false
    }

    func takeLease() -> UpstreamLink? {
        guard case .streaming(let lease) = phase else { return nil }
        phase = .finished
        return lease
    }

    /// Gives the upstream connection up (not reusable: its request or response is unfinished) and answers
    /// `error` if nothing was written yet, else closes the client connection.
    func abort(_ error: GatewayError) {
        takeLease()?.release(reusable: false)
        phase = .finished
        endCall()
        if framing == nil {
            respond(error, close: true)
        } else {
            finish(close: true)
        }
    }

    /// The gateway's own error response in place of the upstream's.
    func respond(_ error: GatewayError, close: Bool) {
        guard let client else { return }
        phase = .finished
        flowOutcome = GuardOutcome(httpStatus: error.code.status)
        let close = close || closeAfterResponse
        meterAnswer(route.grpc != nil ? 200 : error.code.status, bytesOut: nil, blockedBy: error.rule ?? error.plugin)
        if route.grpc != nil {
            var headers = GRPCStatusAnswer.headers(for: error, contentType: grpcWeb?.responseContentType ?? "application/grpc")
            plugins?.editResponse(&headers)
            client.proxyTrailersOnly(headers)
        } else {
            var response = error.response(allocator: client.allocator)
            plugins?.editResponse(&response.headers)
            client.proxyRespond(response, request: request, close: close)
        }
        finish(close: close)
    }

    /// The gateway's own answer that is no failure (a CORS preflight's).
    private func respond(_ response: GatewayResponse, close: Bool) {
        guard let client else { return }
        phase = .finished
        flowOutcome = .success
        let close = close || closeAfterResponse
        meterAnswer(response.status, bytesOut: 0)
        client.proxyRespond(response, request: request, close: close)
        finish(close: close)
    }

    func finish(close: Bool) {
        requestTimer?.cancel()
        requestTimer = nil
        endCall()
        completeFlow(flowOutcome)
        headTimer?.cancel()
        headTimer = nil
        let client = self.client
        self.client = nil
        // Whatever the last upstream read wrote goes out before the connection or stream moves on (or closes).
        client?.proxyFlush()
        client?.proxyFinished(close: close)
    }
}

@available(*, unavailable)
extension ProxyExchange: Sendable {}
