internal import NIOCore

/// The request messages of a call that streams its requests (client-streaming or bidi gRPC), as an adapter
/// that carries them one by one hands them over (WebSocket: a message per item, then an end marker).
///
/// Two sides meet here, both on the request's event loop. The adapter produces: ``append(_:)`` each item,
/// ``end()`` once. The call consumes: it ``attach(_:)``es a ``RequestMessageConsumer`` (items that came before
/// wait here: a guard may delay the call) and says when each item is written to the backend
/// (``written()``). Items appended and not yet written are the backlog: past ``highWater`` the adapter stops
/// reading its socket until it falls to ``lowWater``, so a client that outruns the backend's flow control
/// cannot queue without bound.
final class RequestMessageStream: Sendable {
    /// One request message's JSON, and where it sat in what carried it, for the errors that name it.
    struct Item: Sendable {
        var json: ByteBuffer
        /// The JSON path of the item in its carrier (`$.body`).
        var field: String
        /// The item's byte offset in its carrier.
        var offset: Int
    }

    static let highWater = 8
    static let lowWater = 4

    private struct State {
        var queue = CircularBuffer<Item>(initialCapacity: 0)
        var consumer: (any RequestMessageConsumer)?
        /// The client ended its requests; once the queue is handed over the consumer hears it.
        var ended = false
        var endDelivered = false
        var closed = false
        var unwritten = 0
        var isBacklogged = false
        var onDrained: (() -> Void)?
    }

    private let state: NIOLoopBoundBox<State>

    /// - Parameters:
    ///   - first: the item the opening request carried, if any.
    ///   - ended: whether the request side is already complete (an opening request that can have no sequel).
    ///   - onDrained: called when a backlog falls to ``lowWater``: the adapter may read again.
    init(first: Item?, ended: Bool, eventLoop: any EventLoop, onDrained: @escaping () -> Void) {
        self.state = .makeBoxSendingValue(State(), eventLoop: eventLoop)
        // On the loop (the request's): set here rather than sent into the box.
        state.value.onDrained = onDrained
        state.value.ended = ended
        if let first { append(first) }
    }

    // MARK: the adapter's side

    /// The client's next request message.
    func append(_ item: Item) {
        guard !state.value.closed, !state.value.ended else { return }
        state.value.unwritten += 1
        if state.value.unwritten > Self.highWater { state.value.isBacklogged = true }
        if let consumer = state.value.consumer {
            consumer.received(item)
        } else {
            state.value.queue.append(item)
        }
    }

    /// The client ended its requests.
    func end() {
        guard !state.value.closed, !state.value.ended else { return }
        state.value.ended = true
        deliverEnd()
    }

    /// Whether the client ended its requests.
    var isEnded: Bool { state.value.ended }

    /// More than ``highWater`` items wait to be written, and not yet back down to ``lowWater``.
    var isBacklogged: Bool { state.value.isBacklogged }

    /// The call is over (answered, or its client gone): what waits is dropped, nothing more is handed over.
    func close() {
        state.value.closed = true
        state.value.consumer = nil
        state.value.queue.removeAll()
        state.value.onDrained = nil
        state.value.isBacklogged = false
    }

    // MARK: the call's side

    /// Hands over what came so far, then each item as it comes.
    func attach(_ consumer: any RequestMessageConsumer) {
        guard !state.value.closed else { return }
        state.value.consumer = consumer
        while let item = state.value.queue.popFirst() {
            consumer.received(item)
            if state.value.closed { return }
        }
        deliverEnd()
    }

    /// One item handed over is written (or dropped: the call ended).
    func written() {
        guard state.value.unwritten > 0 else { return }
        state.value.unwritten -= 1
        if state.value.isBacklogged, state.value.unwritten <= Self.lowWater {
            state.value.isBacklogged = false
            state.value.onDrained?()
        }
    }

    private func deliverEnd() {
        guard state.value.ended, !state.value.endDelivered, state.value.queue.isEmpty, let consumer = state.value.consumer else { return }
        state.value.endDelivered = true
        consumer.ended()
    }
}

/// Where a call takes a ``RequestMessageStream``'s items.
protocol RequestMessageConsumer: AnyObject {
    /// The next item; call the stream's ``RequestMessageStream/written()`` once it is written or dropped.
    func received(_ item: RequestMessageStream.Item)
    /// No more items.
    func ended()
}

/// What a request carries when its adapter can stream further messages after it: the call opens the stream
/// (``open()``) if its route streams requests; otherwise nothing is allocated for it.
///
/// Opened, if at all, before the request handler returns: the adapter routes the messages that follow by then.
struct RequestMessageOpener: Sendable {
    private let source: NIOLoopBound<any RequestMessageSource>
    private let request: UInt64

    init(source: any RequestMessageSource, request: UInt64, eventLoop: any EventLoop) {
        self.source = NIOLoopBound(source, eventLoop: eventLoop)
        self.request = request
    }

    /// The request's message stream, its first item the opening request's body; nil if it is already open, or
    /// its adapter is gone.
    func open() -> RequestMessageStream? {
        source.value.openMessages(for: request)
    }
}

/// An adapter that can stream a request's further messages (the WebSocket connection handler).
protocol RequestMessageSource: AnyObject {
    func openMessages(for request: UInt64) -> RequestMessageStream?
}
