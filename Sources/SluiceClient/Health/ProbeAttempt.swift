internal import NIOCore

/// One probe in flight, as its checker sees it: the way to end it early (close its connection) when its
/// endpoint is removed or the checker stops. The probe's own timeout bounds it otherwise.
///
/// Lives on the checker's loop, as do the probes.
final class ProbeAttempt: Sendable {
    private struct State {
        var close: (() -> Void)?
        var isCancelled = false
    }

    private let state: NIOLoopBoundBox<State>

    init(eventLoop: any EventLoop) {
        self.state = .makeBoxSendingValue(State(), eventLoop: eventLoop)
    }

    var isCancelled: Bool { state.value.isCancelled }

    /// Registers how to close what the probe opened; runs it at once when the attempt is already cancelled.
    func onCancel(_ close: @escaping () -> Void) {
        guard !state.value.isCancelled else { return close() }
        state.value.close = close
    }

    func cancel() {
        guard !state.value.isCancelled else { return }
        state.value.isCancelled = true
        let close = state.value.close
        state.value.close = nil
        close?()
    }
}
