import NIOCore
import NIOHTTP1
import Testing
@testable import SluiceGateway

/// A route's own `request_size` and `request_timeout`, which the connection is given at the request's head.
@Suite("HTTP/1.1 route limits")
struct HTTP1RouteLimitsTests {
    typealias Machine = HTTP1ConnectionStateMachine
    let cases = HTTP1ConnectionStateMachineTests()

    @Test("request_size replaces the listener's max_body for its request only, larger or smaller")
    func size() {
        var machine = cases.machine(maxBodySize: 10)
        let limits = HeadRoute.Limits(maxBody: 20, timeout: nil)
        guard case .none = machine.receivedHead(cases.head(headers: [("content-length", "15")]), limits: limits) else {
            Issue.record("a body within the route's limit is taken")
            return
        }
        guard case .none = machine.receivedBody(ByteBuffer(string: String(repeating: "a", count: 15))) else {
            Issue.record("15 bytes fit 20")
            return
        }
        guard case .dispatch = machine.receivedEnd() else { Issue.record("dispatched"); return }
        var smaller = cases.machine(maxBodySize: 10)
        _ = smaller.receivedHead(cases.head(), limits: HeadRoute.Limits(maxBody: 4, timeout: nil))
        guard case .drain = smaller.receivedBody(ByteBuffer(string: "12345")) else { Issue.record("5 bytes exceed 4"); return }
        #expect(cases.drain(&smaller) == ["write+close 413"])
    }

    @Test("request_timeout: a request still arriving at its deadline is answered 408 and the connection closes")
    func timeout() {
        var machine = cases.machine(idle: .seconds(60))
        let start = HTTP1ConnectionStateMachineTests.start
        _ = machine.receivedHead(cases.head(), limits: HeadRoute.Limits(maxBody: nil, timeout: .seconds(2)), now: start)
        #expect(machine.requestDeadline == start + .seconds(2))
        _ = machine.receivedBody(ByteBuffer(string: "ab"))
        #expect(cases.fire(&machine, at: start + .seconds(1)) == .check(at: start + .seconds(2)))
        #expect(cases.fire(&machine, at: start + .seconds(2)) == .drain)
        #expect(cases.drain(&machine) == ["write+close 408"])
    }

    @Test("request_timeout: a request whole in time is served, and the deadline no longer matters")
    func inTime() {
        var machine = cases.machine(idle: .seconds(60))
        let start = HTTP1ConnectionStateMachineTests.start
        _ = machine.receivedHead(cases.head(), limits: HeadRoute.Limits(maxBody: nil, timeout: .seconds(2)), now: start)
        guard case .dispatch = machine.receivedEnd() else { Issue.record("dispatched"); return }
        if case .drain = cases.fire(&machine, at: start + .seconds(3)) { Issue.record("no 408 for a request that arrived") }
    }
}
