import NIOCore
import NIOHTTP1
import Testing
@testable import SluiceGateway

/// The machine's part in a proxied request: it hands the connection over and keeps timers and shutdown right.
@Suite("HTTP/1.1 connection state machine: proxied requests")
struct HTTP1ConnectionStateMachineProxyTests {
    typealias Machine = HTTP1ConnectionStateMachine

    static let start = NIODeadline.uptimeNanoseconds(1_000_000_000)

    func machine() -> Machine {
        Machine(
            configuration: Machine.Configuration(
                maxBodySize: 10, maxPendingRequests: 4, idleTimeout: .seconds(5), headerTimeout: .seconds(3)),
            now: Self.start
        )
    }

    @Test("a streaming body's reads set no head deadline; idle time without bytes closes it")
    func idleWhileProxying() {
        var machine = machine()
        let r1 = machine.proxyStarted()
        #expect(r1)
        // A read that produced no request part (part of a chunk-size line) is not an unfinished head.
        #expect(machine.readCompleted(at: Self.start + .seconds(1), sawRequestParts: false) == nil)
        #expect(machine.idleTimerFired(now: Self.start + .seconds(4)) == .check(at: Self.start + .seconds(6)))
        #expect(machine.idleTimerFired(now: Self.start + .seconds(6)) == .close)
    }

    @Test("shutdown waits for the proxied exchange, then closes")
    func quiesce() {
        var machine = machine()
        let r2 = machine.proxyStarted()
        #expect(r2)
        guard case .none = machine.quiesce() else {
            Issue.record("quiesce during a proxied exchange acted at once")
            return
        }
        #expect(machine.nextOutput() == nil)
        #expect(!machine.isClosing)
        let r3 = machine.proxyFinished(close: false)
        #expect(r3)
        #expect(machine.isClosing)
    }

    @Test("after a keep-alive exchange the connection serves the next request; a closing one takes none")
    func afterwards() {
        var machine = machine()
        let r4 = machine.proxyStarted()
        #expect(r4)
        let r5 = machine.proxyStarted()
        #expect(!r5)
        let r6 = machine.proxyFinished(close: false)
        #expect(!r6)
        #expect(machine.wantsToRead)
        let r7 = machine.proxyStarted()
        #expect(r7)
        let r8 = machine.proxyFinished(close: true)
        #expect(r8)
        #expect(!machine.wantsToRead)
        let r9 = machine.proxyStarted()
        #expect(!r9)
    }
}
