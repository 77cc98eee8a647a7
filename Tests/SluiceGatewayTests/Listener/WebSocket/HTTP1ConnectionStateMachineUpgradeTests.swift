import NIOCore
import NIOHTTP1
import Testing
@testable import SluiceGateway

@Suite("HTTP/1.1 connection state machine: WebSocket upgrades")
struct HTTP1ConnectionStateMachineUpgradeTests {
    typealias Machine = HTTP1ConnectionStateMachine

    func machine(webSocket: WebSocketSettings? = WebSocketSettings(), maxPending: Int = 4) -> Machine {
        Machine(
            configuration: Machine.Configuration(
                maxBodySize: 100, maxPendingRequests: maxPending, idleTimeout: .seconds(5), headerTimeout: .seconds(3),
                webSocket: webSocket),
            now: .uptimeNanoseconds(0))
    }

    func head(_ uri: String, upgrade: Bool) -> HTTPRequestHead {
        let headers: [(String, String)] = upgrade ? [("Upgrade", "websocket"), ("Connection", "Upgrade")] : []
        return HTTPRequestHead(version: .http1_1, method: .GET, uri: uri, headers: HTTPHeaders(headers))
    }

    func send(_ machine: inout Machine, _ head: HTTPRequestHead) -> Machine.Action {
        _ = machine.receivedHead(head)
        return machine.receivedEnd()
    }

    @Test("an upgrade with nothing owed is handed out at once and ends HTTP on the connection")
    func immediate() {
        var m = machine()
        guard case .drain = send(&m, head("/ws", upgrade: true)) else {
            Issue.record("the upgrade asks for a drain")
            return
        }
        guard case .upgrade(let head) = m.nextOutput() else {
            Issue.record("the upgrade comes out")
            return
        }
        #expect(head.uri == "/ws")
        #expect(!m.wantsToRead)
        #expect(m.nextOutput() == nil)
    }

    @Test("an upgrade pipelined after requests waits until their responses are written")
    func afterPipelined() {
        var m = machine()
        guard case .dispatch(let first, _, _) = send(&m, head("/a", upgrade: false)) else {
            Issue.record("the first request is dispatched")
            return
        }
        guard case .none = send(&m, head("/ws", upgrade: true)) else {
            Issue.record("the upgrade waits")
            return
        }
        #expect(!m.wantsToRead, "nothing after the upgrade request is read as HTTP")
        #expect(m.nextOutput() == nil)
        let ready = m.responseReady(GatewayResponse(status: 200, body: ByteBuffer(string: "{}")), for: first)
        #expect(ready)
        guard case .write = m.nextOutput() else {
            Issue.record("the earlier response goes first")
            return
        }
        guard case .upgrade = m.nextOutput() else {
            Issue.record("then the upgrade")
            return
        }
    }

    @Test("an upgrade after parked requests waits for them, and parked requests still dispatch")
    func afterParked() {
        var m = machine(maxPending: 1)
        guard case .dispatch(let first, _, _) = send(&m, head("/a", upgrade: false)) else {
            Issue.record("the first request is dispatched")
            return
        }
        _ = send(&m, head("/b", upgrade: false))  // parked
        _ = send(&m, head("/ws", upgrade: true))
        _ = m.responseReady(GatewayResponse(status: 200, body: nil), for: first)
        guard case .write = m.nextOutput() else {
            Issue.record("the first response")
            return
        }
        guard case .dispatch(let second, let head, _) = m.nextOutput() else {
            Issue.record("the parked request is dispatched, not the upgrade")
            return
        }
        #expect(head.uri == "/b")
        #expect(m.nextOutput() == nil)
        _ = m.responseReady(GatewayResponse(status: 200, body: nil), for: second)
        guard case .write = m.nextOutput(), case .upgrade = m.nextOutput() else {
            Issue.record("the second response, then the upgrade")
            return
        }
    }

    @Test("without WebSocket, or on another path, or without Upgrade, the request is routed")
    func routed() {
        var off = machine(webSocket: nil)
        guard case .dispatch = send(&off, head("/ws", upgrade: true)) else {
            Issue.record("routed when WebSocket is off")
            return
        }
        var plain = machine()
        guard case .dispatch = send(&plain, head("/ws", upgrade: false)) else {
            Issue.record("a plain request to the path is routed")
            return
        }
    }

    @Test("a shutdown that began while responses were owed closes instead of upgrading")
    func quiescing() {
        var m = machine()
        guard case .dispatch(let first, _, _) = send(&m, head("/a", upgrade: false)) else {
            Issue.record("the first request is dispatched")
            return
        }
        _ = send(&m, head("/ws", upgrade: true))
        _ = m.quiesce()
        _ = m.responseReady(GatewayResponse(status: 200, body: nil), for: first)
        guard case .writeAndClose = m.nextOutput() else {
            Issue.record("the response closes the connection")
            return
        }
        #expect(m.nextOutput() == nil)
    }
}
