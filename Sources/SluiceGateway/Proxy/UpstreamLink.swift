internal import NIOCore
internal import NIOHTTP1

/// What one proxied request is sent on: a pooled HTTP/1.1 connection leased from its shard, or a stream of
/// an HTTP/2 connection (`h2c`/`h2` services). Either way the exchange writes request parts to
/// `connection`'s handler and reads response parts from it.
enum UpstreamLink: Sendable {
    case pooled(UpstreamShard.Lease, UpstreamShard)
    case stream(UpstreamConnection)

    var connection: UpstreamConnection {
        switch self {
        case .pooled(let lease, _): lease.connection
        case .stream(let stream): stream
        }
    }

    /// The exchange is done with the link. `reusable: false` when the request or response was left
    /// unfinished: a pooled connection is then closed. A stream is closed either way: one that ended both
    /// ways is gone already, an unfinished one is reset (RST_STREAM CANCEL) while its connection carries on.
    func release(reusable: Bool) {
        switch self {
        case .pooled(let lease, let shard):
            shard.release(lease, reusable: reusable)
        case .stream(let stream):
            stream.handler.delegate = nil
            stream.channel.close(promise: nil)
        }
    }

    /// The head sent upstream. HTTP/2 carries `te: trailers` (the one `te` it allows, RFC 9113 §8.2.2) when
    /// the client asked for it; other hop-by-hop fields are already gone.
    func head(_ head: HTTPRequestHead, clientHeaders: HTTPHeaders) -> HTTPRequestHead {
        guard case .stream = self,
            clientHeaders["te"].contains(where: { $0.lowercased().split(separator: ",").contains { $0.trimmingASCIISpaces() == "trailers" } })
        else { return head }
        var head = head
        head.headers.add(name: "te", value: "trailers")
        return head
    }

    /// The request's end: trailers pass on only from an HTTP/2 client to an HTTP/2 upstream (an HTTP/1.1
    /// peer on either side cannot be relied on to send or read them).
    func end(trailers: HTTPHeaders?, clientVersion: HTTPVersion) -> HTTPClientRequestPart {
        guard case .stream = self, clientVersion.major == 2, let trailers else { return .end(nil) }
        let kept = ProxyHeaders.removingHopByHop(trailers)
        return .end(kept.isEmpty ? nil : kept)
    }
}
