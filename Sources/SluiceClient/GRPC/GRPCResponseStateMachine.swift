internal import NIOCore
internal import NIOHPACK

/// One call's response as a pure value: the response HEADERS (`:status` 200, a gRPC content-type), the
/// length-prefixed messages in the DATA frames, and the trailers with the status; or a trailers-only
/// response, the status in the only HEADERS.
///
/// Unary calls keep their one message for the reply; streaming calls take each with ``nextMessage()``.
struct GRPCResponseStateMachine: Sendable {
    enum Mode: Sendable {
        case unary
        case streaming
    }

    private enum State: Sendable {
        case awaitingHeaders
        case receivingMessages
        /// The trailers are in; a streaming call may still hold messages not taken.
        case ended(GRPCReply)
    }

    private let mode: Mode
    private var state = State.awaitingHeaders
    private var reassembler: GRPCMessageReassembler
    private var headers: [(name: String, value: String)] = []
    private var message: ByteBuffer?

    /// The response HEADERS' fields, once they came (a streaming call's messages follow them).
    var responseHeaders: [(name: String, value: String)] { headers }

    init(mode: Mode, maxMessageSize: Int) {
        self.mode = mode
        self.reassembler = GRPCMessageReassembler(maxMessageSize: maxMessageSize)
    }

    /// A HEADERS frame: the response headers, or the trailers (which must end the stream). Returns the reply
    /// once the call is over.
    mutating func receiveHeaders(_ block: HPACKHeaders, endStream: Bool) throws(GRPCWireError) -> GRPCReply? {
        switch state {
        case .awaitingHeaders:
            let status = block.first(name: ":status")
            guard status == "200" else { throw .httpStatus(status) }
            let contentType = block.first(name: "content-type")
            if endStream {
                // Trailers-only: the status is here; a proxy may leave out the content-type, but not lie in it.
                if let contentType, !Self.isGRPC(contentType) { throw .contentType(contentType) }
                return try end(trailers: block)
            }
            guard let contentType, Self.isGRPC(contentType) else { throw .contentType(contentType) }
            headers = Self.fields(of: block)
            state = .receivingMessages
            return nil
        case .receivingMessages:
            guard endStream else { throw .unexpectedHeaders }
            return try end(trailers: block)
        case .ended:
            throw .unexpectedHeaders
        }
    }

    /// A DATA frame's bytes. A unary call's message is checked and kept here; a stream that ends on DATA
    /// ended without a status.
    mutating func receiveData(_ bytes: ByteBuffer, endStream: Bool) throws(GRPCWireError) {
        guard case .receivingMessages = state else { throw .unexpectedData }
        reassembler.append(bytes)
        if mode == .unary {
            while let next = try reassembler.next() {
                guard message == nil else { throw .extraMessage }
                message = next
            }
        }
        if endStream {
            if mode == .unary, reassembler.pendingBytes > 0 { throw .truncatedMessage(pending: reassembler.pendingBytes) }
            throw .missingStatus
        }
    }

    /// A streaming call's next whole message, nil until more bytes (or the end) come.
    mutating func nextMessage() throws(GRPCWireError) -> ByteBuffer? {
        if let next = try reassembler.next() { return next }
        if case .ended = state, reassembler.pendingBytes > 0 {
            throw .truncatedMessage(pending: reassembler.pendingBytes)
        }
        return nil
    }

    /// Whether the trailers are in.
    var hasEnded: Bool {
        if case .ended = state { return true }
        return false
    }

    /// The reply, once the trailers are in and (streaming) every message was taken.
    var finalReply: GRPCReply? {
        guard case .ended(let reply) = state, reassembler.pendingBytes == 0 else { return nil }
        return reply
    }

    private mutating func end(trailers block: HPACKHeaders) throws(GRPCWireError) -> GRPCReply {
        if mode == .unary, reassembler.pendingBytes > 0 { throw .truncatedMessage(pending: reassembler.pendingBytes) }
        let status = try GRPCStatusTrailers(parsing: block)
        let reply = GRPCReply(
            statusCode: status.code, statusMessage: status.message, statusDetails: status.details, message: message,
            headers: headers, trailers: Self.fields(of: block))
        state = .ended(reply)
        return reply
    }

    private static func isGRPC(_ contentType: String) -> Bool {
        contentType.utf8.starts(with: "application/grpc".utf8)
    }

    private static func fields(of block: HPACKHeaders) -> [(name: String, value: String)] {
        block.compactMap { field in field.name.hasPrefix(":") ? nil : (name: field.name, value: field.value) }
    }
}
