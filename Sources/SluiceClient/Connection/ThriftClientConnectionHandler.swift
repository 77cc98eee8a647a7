internal import NIOCore
internal import SluiceThrift

/// The client end of one connection: writes calls with fresh seq ids, matches replies, enforces deadlines.
///
/// All state lives on the channel's event loop. Multiplexed connections carry many calls at once; exclusive
/// (pooled Framed/Buffered) connections carry one and report back to their pool when it is done.
final class ThriftClientConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    struct PendingCall {
        var promise: EventLoopPromise<ThriftReply>
        var deadline: NIODeadline
        var timeout: TimeAmount
    }

    /// Deadlines are enforced by one timer per connection, woken at most this often (see ``DeadlineQueue``).
    static let deadlineGranularity = TimeAmount.milliseconds(10)

    private let settings: ConnectionSettings
    /// Exclusive mode: tells the pool the connection is free again (true) or must be dropped (false).
    private let onReleased: (@Sendable (_ reusable: Bool) -> Void)?
    /// Multiplexed mode: tells the slot table to stop handing out this connection (its byte budget is spent).
    private let onRetiring: (@Sendable () -> Void)?
    private var budget: RequestByteBudget
    private var machine = MultiplexStateMachine<PendingCall>()
    private var processor: NIOSingleStepByteToMessageProcessor<ThriftFrameDecoder>
    private var context: ChannelHandlerContext?
    private var flushScheduled = false
    private var deadlines = DeadlineQueue()
    private var deadlineTimer: (task: Scheduled<Void>, wakeUp: NIODeadline)?
    /// TTHeader request headers by what varies between calls; bounded, since method names come from routes.
    private var headerTemplates: [HeaderKey: TTHeaderTemplate] = [:]
    private static let maxHeaderTemplates = 256

    private struct HeaderKey: Hashable {
        var method: String
        var oneway: Bool
        var timeoutMillis: Int64
    }

    init(
        settings: ConnectionSettings,
        onReleased: (@Sendable (_ reusable: Bool) -> Void)?,
        onRetiring: (@Sendable () -> Void)? = nil
    ) {
        self.settings = settings
        self.onReleased = onReleased
        self.onRetiring = onRetiring
        self.budget = RequestByteBudget(limit: settings.requestByteBudget)
        self.processor = NIOSingleStepByteToMessageProcessor(
            ThriftFrameDecoder(
                transport: settings.transport, maxFrameLength: settings.maxFrameLength,
                lengthFinder: settings.lengthFinder),
            maximumBufferSize: nil)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        failAll(ClientError(.connectionClosed, "connection to \(settings.endpoint) was torn down"))
        self.context = nil
    }

    // MARK: Sending

    func send(_ call: OutboundCall, promise: EventLoopPromise<ThriftReply>, retry: RetryHandler?) {
        guard let context else {
            notSent(call, promise, ClientError(.connectionClosed, "connection to \(settings.endpoint) is closed", requestWritten: false), retry)
            return
        }
        guard call.deadline > .now() else {
            promise.fail(ClientError(.requestTimeout, "request timed out before it could be sent", requestWritten: false))
            onReleased?(true)
            return
        }
        let pending = PendingCall(promise: promise, deadline: call.deadline, timeout: call.timeout)
        switch machine.send(pending, expectsReply: !call.oneway) {
        case .fail(let error):
            notSent(call, promise, error, retry)
        case .write(let sequenceID):
            var buffer = context.channel.allocator.buffer(
                capacity: call.arguments.readableBytes + call.method.utf8.count + 160)
            do {
                try encode(call, sequenceID: sequenceID, into: &buffer)
            } catch {
                _ = machine.timedOut(sequenceID: sequenceID)
                promise.fail(ClientError(.protocolError, "cannot frame the request: \(error)", requestWritten: false))
                onReleased?(true)
                return
            }
            let spent = budget.wrote(buffer.readableBytes)
            if call.oneway {
                writeOneway(buffer, promise: promise, context: context)
            } else {
                deadlines.push(call.deadline, sequenceID: sequenceID)
                armDeadlineTimer(context: context)
                if let cancellation = call.cancellation {
                    watch(cancellation, sequenceID: sequenceID, deadline: call.deadline, context: context)
                }
                context.write(wrapOutboundOut(buffer), promise: nil)
                scheduleFlush(context: context)
            }
            if spent {
                onRetiring?()
                closeIfRetired()
            }
        }
    }

    private func notSent(
        _ call: OutboundCall, _ promise: EventLoopPromise<ThriftReply>, _ error: ClientError, _ retry: RetryHandler?
    ) {
        if let retry {
            retry(call, promise)
        } else {
            var error = error
            error.requestWritten = false
            promise.fail(error)
        }
    }

    private func writeOneway(_ buffer: ByteBuffer, promise: EventLoopPromise<ThriftReply>, context: ChannelHandlerContext) {
        let written = context.eventLoop.makePromise(of: Void.self)
        let onReleased = self.onReleased
        let endpoint = settings.endpoint
        written.futureResult.whenComplete { result in
            switch result {
            case .success:
                promise.succeed(ThriftReply(messageType: .oneway, body: ByteBuffer()))
                onReleased?(true)
            case .failure(let error):
                promise.fail(ClientError(.connectionClosed, "writing a oneway call to \(endpoint) failed: \(error)"))
                onReleased?(false)
            }
        }
        context.writeAndFlush(wrapOutboundOut(buffer), promise: written)
    }

    /// Coalesces the flushes of calls sent in the same event loop tick into one syscall.
    private func scheduleFlush(context: ChannelHandlerContext) {
        guard !flushScheduled else { return }
        flushScheduled = true
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        context.eventLoop.execute {
            let handler = bound.value
            handler.flushScheduled = false
            handler.context?.flush()
        }
    }

    private func encode(_ call: OutboundCall, sequenceID: Int32, into buffer: inout ByteBuffer)
        throws(ThriftTransportError)
    {
        let type: ThriftMessageType = call.oneway ? .oneway : .call
        let start: ThriftFrameStart
        switch settings.transport {
        case .ttheader where call.metainfo.isEmpty:
            start = try ttheaderTemplate(for: call, type: type).writeFrameStart(sequenceID: sequenceID, into: &buffer)
        case .ttheader:
            start = try ttheaderTemplate(for: call, type: type).writeFrameStart(
                sequenceID: sequenceID, extraStringInfo: call.metainfo.map { (TTHeaderStringKey.transientPrefix + $0.key, $0.value) },
                into: &buffer)
        case .theader:
            let info = Dictionary(call.metainfo, uniquingKeysWith: { _, last in last })
            start = try THeader(sequenceID: sequenceID, protocolKind: settings.protocolKind, info: info).writeFrameStart(into: &buffer)
        case .framed:
            start = FramedTransport.writeFrameStart(into: &buffer)
        case .buffered:
            start = BufferedTransport.writeFrameStart(into: &buffer)
        }
        ThriftMessageHeader(name: call.method, type: type, sequenceID: sequenceID)
            .write(to: &buffer, protocol: settings.protocolKind)
        var arguments = call.arguments
        buffer.writeBuffer(&arguments)
        try start.finish(in: &buffer, maxFrameLength: settings.maxFrameLength)
    }

    /// The int keys Kitex's `ClientTTHeaderHandler` writes (to service/method, message type, payload framing,
    /// timeout) and the `isn` string key a multi-service Kitex server selects the service by.
    private func ttheaderTemplate(for call: OutboundCall, type: ThriftMessageType) throws(ThriftTransportError)
        -> TTHeaderTemplate
    {
        let key = HeaderKey(method: call.method, oneway: call.oneway, timeoutMillis: Self.timeoutMillis(call))
        if let template = headerTemplates[key] { return template }
        let template = try TTHeaderTemplate(ttheader(for: call, type: type))
        if headerTemplates.count >= Self.maxHeaderTemplates { headerTemplates.removeAll(keepingCapacity: true) }
        headerTemplates[key] = template
        return template
    }

    private func ttheader(for call: OutboundCall, type: ThriftMessageType) -> TTHeader {
        TTHeader(
            sequenceID: 0,
            protocolID: settings.protocolKind == .binary ? TTHeader.ProtocolID.binary : TTHeader.ProtocolID.compact,
            intInfo: [
                .toService: settings.serviceName,
                .toMethod: call.method,
                .msgType: String(type.rawValue),
                // The payload inside TTHeader carries no length prefix of its own.
                .transportType: "unframed",
                .rpcTimeout: String(Self.timeoutMillis(call)),
            ],
            stringInfo: [TTHeaderStringKey.idlServiceName: settings.serviceName])
    }

    private static func timeoutMillis(_ call: OutboundCall) -> Int64 { max(1, call.timeout.nanoseconds / 1_000_000) }

    // MARK: Receiving

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = unwrapInboundIn(data)
        do {
            try processor.process(buffer: bytes) { frame in
                try self.receive(frame)
            }
        } catch {
            failAll(ClientError(.protocolError, "unreadable reply from \(settings.endpoint): \(error)"))
            context.close(promise: nil)
        }
    }

    private func receive(_ frame: ThriftFrame) throws {
        var body = frame.payload
        let header = try ThriftMessageHeader.read(from: &body, protocol: frame.protocolKind)
        guard header.type == .reply || header.type == .exception else {
            throw ClientError(.protocolError, "expected a reply, got a \(header.type) message '\(header.name)'")
        }
        switch machine.replyReceived(sequenceID: header.sequenceID) {
        case .complete(let pending):
            // Its deadline entry stays queued and is skipped when it comes up.
            pending.promise.succeed(ThriftReply(messageType: header.type, body: body))
            onReleased?(true)
        case .drop:
            // A reply whose caller gave up (timed out); nobody is waiting for it.
            break
        }
        closeIfRetired()
    }

    /// A retired connection closes once no reply is owed. Deferred, so it never closes from inside the decode
    /// loop, and checked again then: a call picked before the retirement may have been sent meanwhile.
    private func closeIfRetired() {
        guard budget.isSpent, machine.inFlightCount == 0, let context else { return }
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        context.eventLoop.execute {
            let handler = bound.value
            guard handler.machine.inFlightCount == 0, let context = handler.context else { return }
            context.flush()
            context.close(promise: nil)
        }
    }

    // MARK: Deadlines

    /// Makes sure the timer wakes for the earliest deadline (rounded up to the granularity).
    private func armDeadlineTimer(context: ChannelHandlerContext) {
        guard let earliest = deadlines.earliest else { return }
        let wakeUp = DeadlineQueue.wakeUp(for: earliest, granularity: Self.deadlineGranularity)
        if let armed = deadlineTimer {
            guard wakeUp < armed.wakeUp else { return }
            armed.task.cancel()
        }
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        let task = context.eventLoop.scheduleTask(deadline: wakeUp) {
            bound.value.deadlineTimerFired(at: wakeUp)
        }
        deadlineTimer = (task, wakeUp)
    }

    private func deadlineTimerFired(at wakeUp: NIODeadline) {
        deadlineTimer = nil
        // The later of the two: a late wake-up expires everything due by now, and on a virtual clock (tests) the
        // wake-up time is the present.
        let now = max(wakeUp, NIODeadline.now())
        while let entry = deadlines.popExpired(now: now) {
            // Skip entries whose call completed, and a seq id reused since (its deadline differs).
            guard let pending = machine.inFlight(entry.sequenceID), pending.deadline == entry.deadline else { continue }
            abandon(
                entry.sequenceID, pending,
                ClientError(.requestTimeout, "no reply from \(settings.endpoint) within \(pending.timeout.nanoseconds / 1_000_000) ms"))
        }
        if let context { armDeadlineTimer(context: context) }
        closeIfRetired()
    }

    /// Fails a call still waiting for its reply and frees its seq id; the reply, if it comes, is dropped.
    private func abandon(_ sequenceID: Int32, _ pending: PendingCall, _ error: ClientError) {
        _ = machine.timedOut(sequenceID: sequenceID)
        pending.promise.fail(error)
        if let onReleased {
            // Its reply may still arrive, so an exclusive connection cannot carry another call.
            onReleased(false)
            context?.close(promise: nil)
        }
    }

    // MARK: Cancellation

    private func watch(_ cancellation: CallCancellation, sequenceID: Int32, deadline: NIODeadline, context: ChannelHandlerContext) {
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        let eventLoop = context.eventLoop
        cancellation.onCancel {
            eventLoop.execute { bound.value.cancel(sequenceID: sequenceID, deadline: deadline) }
        }
    }

    private func cancel(sequenceID: Int32, deadline: NIODeadline) {
        // The deadline tells this call from a later one that reuses the seq id.
        guard let pending = machine.inFlight(sequenceID), pending.deadline == deadline else { return }
        abandon(sequenceID, pending, ClientError(.cancelled, "the caller gave up on the call to \(settings.endpoint)"))
        closeIfRetired()
    }

    // MARK: Closing

    func channelInactive(context: ChannelHandlerContext) {
        failAll(ClientError(.connectionClosed, "connection to \(settings.endpoint) closed before the reply arrived"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A TLS alert after the handshake (TLS 1.3 backends refuse a client certificate here) reads as one.
        failAll(ClientError(.connectionClosed, "connection to \(settings.endpoint) failed: \(TLSFailureReason.describe(error))"))
        context.close(promise: nil)
    }

    private func failAll(_ error: ClientError) {
        deadlineTimer?.task.cancel()
        deadlineTimer = nil
        deadlines.removeAll()
        for pending in machine.closed(error) {
            pending.promise.fail(error)
        }
    }
}

@available(*, unavailable)
extension ThriftClientConnectionHandler: Sendable {}
