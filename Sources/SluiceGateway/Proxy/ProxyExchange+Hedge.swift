internal import NIOCore
internal import NIOHTTP1
internal import SluiceClient

/// A hedged attempt's link (`hedge:` on an http service or route), until one attempt's response head wins: the
/// request is written on it as on the exchange's own link (its kept body, then each part as it comes), and its
/// connection reports here, so the exchange knows which leg answered. The winner becomes the exchange's link;
/// the others are dropped (their connections closed, their streams reset).
///
/// Lives on the exchange's event loop.
final class ProxyLeg: UpstreamConnectionDelegate {
    let link: UpstreamLink
    let attempt: HTTPAttempt
    let endpoint: Endpoint
    private let exchange: ProxyExchange
    var requestSent = false
    var headTimer: Scheduled<Void>?

    init(link: UpstreamLink, attempt: HTTPAttempt, endpoint: Endpoint, exchange: ProxyExchange) {
        self.link = link
        self.attempt = attempt
        self.endpoint = endpoint
        self.exchange = exchange
    }

    var handler: UpstreamConnectionHandler { link.connection.handler }

    func upstreamHead(_ head: HTTPResponseHead) { exchange.legHead(self, head) }
    // A leg is the exchange's link before its response goes anywhere: no body or end reaches it here.
    func upstreamBody(_ chunk: ByteBuffer) {}
    func upstreamEnd(trailers: HTTPHeaders?) {}
    func upstreamReadComplete() {}
    func upstreamWritabilityChanged() { exchange.clientWritabilityChanged() }
    func upstreamClosed() { exchange.legFailed(self, ClientError(.connectionClosed, "closed before the response head", requestWritten: true)) }
    var wantsUpstreamRead: Bool { true }

    /// Gives the leg's link up, unfinished.
    func drop() {
        headTimer?.cancel()
        headTimer = nil
        link.release(reusable: false)
    }
}

@available(*, unavailable)
extension ProxyLeg: Sendable {}

extension ProxyExchange {
    /// A hedged attempt's link, while the exchange's own is waiting for its head: the request so far goes out on
    /// it, and the rest follows as it comes.
    func openLeg(_ link: UpstreamLink, _ attempt: HTTPAttempt, endpoint: Endpoint) {
        let leg = ProxyLeg(link: link, attempt: attempt, endpoint: endpoint, exchange: self)
        attemptsOpened += 1
        legs.append(leg)
        leg.handler.delegate = leg
        leg.handler.write(.head(link.head(attemptHead(attempt, endpoint: endpoint), clientHeaders: request.headers)), flush: false)
        for chunk in replay ?? [] { leg.handler.write(.body(.byteBuffer(chunk)), flush: false) }
        if requestEnded { sendEnd(leg) } else { leg.handler.flush() }
    }

    /// The request's end on a leg, and the wait for its head.
    func sendEnd(_ leg: ProxyLeg) {
        leg.handler.write(leg.link.end(trailers: requestTrailers, clientVersion: request.version), flush: true)
        leg.requestSent = true
        leg.headTimer = eventLoop.assumeIsolated().scheduleTask(in: leg.attempt.timeout) {
            self.legFailed(leg, ClientError(.requestTimeout, "no response head in time", requestWritten: true))
        }
    }

    /// A leg's response head ends its attempt; the cluster decides at once whether the call ends with it (then
    /// ``callEnded(_:)`` makes the leg the exchange's link and relays the head) or a retry follows.
    func legHead(_ leg: ProxyLeg, _ head: HTTPResponseHead) {
        if head.status.code < 200 && head.status != .switchingProtocols { return }
        guard client != nil, framing == nil, heldHead == nil, let index = legs.firstIndex(where: { $0 === leg }) else { return }
        legs.remove(at: index)
        leg.headTimer?.cancel()
        leg.headTimer = nil
        heldHead = head
        heldLeg = leg
        leg.attempt.answered(head)
        guard heldHead != nil else { return }
        heldHead = nil
        heldLeg = nil
        leg.drop()
    }

    /// A leg failed before its head: it leaves, and the cluster counts its attempt.
    func legFailed(_ leg: ProxyLeg, _ error: ClientError) {
        guard let index = legs.firstIndex(where: { $0 === leg }) else { return }
        legs.remove(at: index)
        leg.drop()
        leg.attempt.fail(error)
    }

    /// The call ended with `leg`'s head: it takes the exchange's own link's place.
    func promote(_ leg: ProxyLeg) {
        upstreamEndpoint = leg.endpoint
        if let attempt {
            self.attempt = nil
            headTimer?.cancel()
            headTimer = nil
            dropLink()
            attempt.fail(ClientError(.cancelled, "another attempt answered first"))
        }
        phase = .streaming(leg.link)
        leg.handler.delegate = self
        requestSent = leg.requestSent
    }

    /// The call is over (or another attempt won): every leg still waiting is dropped, its attempt cancelled.
    func dropLegs() {
        let dropped = legs
        legs = []
        for leg in dropped {
            leg.drop()
            leg.attempt.fail(ClientError(.cancelled, "another attempt answered first"))
        }
    }

    var legsWritable: Bool { legs.allSatisfy { $0.link.connection.channel.isWritable } }
}
