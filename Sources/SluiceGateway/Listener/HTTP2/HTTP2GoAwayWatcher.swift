internal import NIOCore

/// Closes an HTTP/2 connection once NIOHTTP2 has told the client it is broken.
///
/// On a connection error (a CONTINUATION flood, rapid resets, a bad HPACK block...) NIOHTTP2 writes a
/// GOAWAY with the error code and reports the error, but leaves closing to its user, and its errors do not
/// say whether they were about one stream or the connection. The GOAWAY on the wire does: this handler sits
/// between the socket and NIOHTTP2, walks the outgoing frames, and closes once a GOAWAY with an error code
/// has been written. (Graceful GOAWAYs, NO_ERROR, are ``HTTP2ConnectionHandler``'s and close by themselves.)
final class HTTP2GoAwayWatcher: ChannelOutboundHandler {
    typealias OutboundIn = IOData
    typealias OutboundOut = IOData

    private var walker = HTTP2OutboundFrames()

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard case .byteBuffer(let bytes) = unwrapOutboundIn(data), walker.scan(bytes) != nil else {
            return context.write(data, promise: promise)
        }
        let written = promise ?? context.eventLoop.makePromise()
        context.write(data, promise: written)
        context.flush()
        written.futureResult.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
    }
}

/// The outgoing byte stream of an HTTP/2 connection read as frames (RFC 9113 §4.1), however the writes cut
/// it: a DATA frame's payload may follow its header as a write of its own.
struct HTTP2OutboundFrames {
    static let goAway: UInt8 = 0x7

    /// Payload bytes of the current frame still to come in later writes.
    private var payloadToSkip = 0

    /// The error code of a GOAWAY frame with one other than NO_ERROR that starts in `bytes`, if any.
    mutating func scan(_ bytes: ByteBuffer) -> UInt32? {
        var rest = bytes.readableBytesView[...]
        var found: UInt32?
        while !rest.isEmpty {
            if payloadToSkip > 0 {
                let skipped = min(payloadToSkip, rest.count)
                payloadToSkip -= skipped
                rest = rest.dropFirst(skipped)
                continue
            }
            // The server writes whole frame headers; a stray partial one is not ours to read.
            guard rest.count >= 9 else { return found }
            let start = rest.startIndex
            let length = Int(rest[start]) << 16 | Int(rest[start + 1]) << 8 | Int(rest[start + 2])
            let type = rest[start + 3]
            if type == Self.goAway, rest.count >= 9 + 8 {
                let code = rest[(start + 13)..<(start + 17)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
                if code != 0 { found = code }
            }
            rest = rest.dropFirst(9)
            payloadToSkip = length
        }
        return found
    }
}
