import Logging
import ServiceLifecycle
import SluiceGateway

/// A running gateway as a swift-service-lifecycle service: its `ServiceGroup` turns SIGTERM and SIGINT into
/// graceful shutdown, which drains the gateway (``Gateway/shutdown()``: stop accepting, GOAWAY, `Connection:
/// close`, WebSocket 1001, in-flight requests up to the drain timeout, then the backend clients) before the
/// process ends. SIGHUP reloads while it runs.
struct GatewayService: Service {
    let gateway: Gateway
    let logger: Logger
    /// Runs once the group traps the shutdown signals: what says the gateway is ready (its banner) goes here, so
    /// a signal sent in answer to it is never the default action that would end the process undrained.
    let ready: @Sendable () -> Void

    func run() async throws {
        ready()
        let reloadSignal = ReloadSignal.install {
            Task { await gateway.reload(trigger: "signal") }
        }
        defer { reloadSignal.cancel() }
        // Returns on SIGTERM/SIGINT; throws if the group is cancelled, which drains all the same.
        try? await gracefulShutdown()
        logger.info("shutting down")
        try await gateway.shutdown()
    }
}
