internal import NIOCore
internal import SluiceClient

/// The exchange as its service's attempts reach it (`HTTPClusterCall.receiver`): the endpoint's pool hands it
/// each attempt's link, on the exchange's loop.
final class ProxyAttemptReceiver: HTTPAttemptReceiver {
    private let exchange: NIOLoopBound<ProxyExchange>

    init(_ exchange: ProxyExchange, eventLoop: any EventLoop) {
        self.exchange = NIOLoopBound(exchange, eventLoop: eventLoop)
    }

    func opened(_ link: UpstreamLink, _ attempt: HTTPAttempt, endpoint: Endpoint) {
        exchange.value.opened(link, attempt, endpoint: endpoint)
    }
}
