internal import NIOCore
internal import SluiceClient

/// Streams of request messages over one socket (client-streaming and bidi calls): a request whose route streams
/// requests opens one under its `id`; `{"id", "body"}` messages are its next items and `{"id", "end": true}`
/// ends them. The stream closes with the request's last reply; the socket closing cancels it.
extension WebSocketConnectionHandler {
    /// A request not yet answered.
    struct InFlight {
        var cancellation: CallCancellation
        /// The request's `id` (its JSON text), under which a stream it opens is known.
        var id: ByteBuffer?
        /// Its body as a stream's first item, until a stream is opened (or the request answered).
        var firstItem: RequestMessageStream.Item?
        var stream: RequestMessageStream?
    }

    struct OpenStream {
        /// The request that opened it.
        var message: UInt64
        var stream: RequestMessageStream
    }
}

extension WebSocketConnectionHandler: RequestMessageSource {
    /// The route streams requests: the messages that follow under the request's id are its items. A request
    /// without an id has no sequel, so its stream is its body alone.
    func openMessages(for request: UInt64) -> RequestMessageStream? {
        guard let context, var entry = inFlight[request], entry.stream == nil else { return nil }
        let stream = RequestMessageStream(first: entry.firstItem, ended: entry.id == nil, eventLoop: context.eventLoop) {
            [weak self] in
            guard let self, let context = self.context else { return }
            self.resumeReading(context: context)
        }
        entry.firstItem = nil
        entry.stream = stream
        inFlight[request] = entry
        if let id = entry.id { openStreams[id] = OpenStream(message: request, stream: stream) }
        return stream
    }

    /// A stream's next item, or its end; refused (400, no slot taken) when no stream is open under the id.
    func deliver(_ next: WebSocketStreamMessage, context: ChannelHandlerContext) {
        guard let open = openStreams[next.id] else {
            let error = GatewayError(
                .badRequest,
                "no open stream with id \(String(buffer: next.id)) (a message of only 'id' and 'body' or 'end' continues a stream a request opened)",
                field: "$.id")
            return answer(error, id: next.id, context: context)
        }
        guard !open.stream.isEnded else {
            let error = GatewayError(.badRequest, "the stream with id \(String(buffer: next.id)) has ended its requests", field: "$.id")
            return answer(error, id: next.id, context: context)
        }
        switch next.kind {
        case .item(let item): open.stream.append(item)
        case .end: open.stream.end()
        }
    }

    /// Once the client sent its close, or the gateway is shutting down, nothing more is read: a stream whose
    /// requests have not ended never would, so its call is cancelled (its reply still goes out before the close).
    func abandonUnendedStreams() {
        let unended = openStreams.values.filter { !$0.stream.isEnded }
        for open in unended {
            inFlight[open.message]?.cancellation.cancel()
        }
    }

    /// A stream's requests have not ended: its messages must be read even at the in-flight bound.
    var isAwaitingStreamMessages: Bool {
        !openStreams.isEmpty && openStreams.values.contains { !$0.stream.isEnded }
    }

    /// A stream has more than a few request messages its backend has not taken yet.
    var isStreamBacklogged: Bool {
        !openStreams.isEmpty && openStreams.values.contains { $0.stream.isBacklogged }
    }
}
