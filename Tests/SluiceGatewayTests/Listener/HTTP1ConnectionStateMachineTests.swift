import NIOCore
import NIOHTTP1
import Testing
@testable import SluiceGateway

@Suite("HTTP/1.1 connection state machine")
struct HTTP1ConnectionStateMachineTests {
    typealias Machine = HTTP1ConnectionStateMachine

    static let start = NIODeadline.uptimeNanoseconds(1_000_000_000)

    func machine(
        maxBodySize: Int = 10, maxPending: Int = 4, idle: TimeAmount = .seconds(5), header: TimeAmount = .seconds(3)
    ) -> Machine {
        Machine(
            configuration: Machine.Configuration(
                maxBodySize: maxBodySize, maxPendingRequests: maxPending, idleTimeout: idle, headerTimeout: header),
            now: Self.start
        )
    }

    func head(
        _ uri: String = "/x",
        method: HTTPMethod = .POST,
        headers: [(String, String)] = [],
        version: HTTPVersion = .http1_1
    ) -> HTTPRequestHead {
        HTTPRequestHead(version: version, method: method, uri: uri, headers: HTTPHeaders(headers))
    }

    func response(_ text: String) -> GatewayResponse {
        GatewayResponse(status: 200, body: ByteBuffer(string: text))
    }

    /// Sends a whole bodiless request; returns its id when it was dispatched.
    func request(_ machine: inout Machine, _ head: HTTPRequestHead) -> Machine.RequestID? {
        _ = machine.receivedHead(head)
        guard case .dispatch(let id, _, _) = machine.receivedEnd() else { return nil }
        return id
    }

    func answer(_ machine: inout Machine, _ response: GatewayResponse, _ id: Machine.RequestID) -> Bool {
        machine.responseReady(response, for: id)
    }

    func fire(_ machine: inout Machine, at now: NIODeadline) -> Machine.IdleAction {
        machine.idleTimerFired(now: now)
    }

    /// Everything `nextOutput` yields now, as short labels.
    func drain(_ machine: inout Machine) -> [String] {
        var labels: [String] = []
        while let output = machine.nextOutput() {
            switch output {
            case .write(let response, let framing):
                labels.append("write \(response.body.map { String(buffer: $0) } ?? "-") \(framing.connection)")
            case .writeAndClose(let response, _):
                labels.append("write+close \(response.status)")
            case .dispatch(_, let head, _):
                labels.append("dispatch \(head.uri)")
            case .sendContinue:
                labels.append("100")
            case .close:
                labels.append("close")
            case .upgrade(let head):
                labels.append("upgrade \(head.uri)")
            case .writeStream(let response, let framing):
                labels.append("stream \(response.status) \(framing.connection)")
            }
        }
        return labels
    }

    @Test("head, body chunks, end -> one dispatch with the bytes joined; the answer is written keep-alive")
    func collects() throws {
        var machine = machine()
        guard case .none = machine.receivedHead(head()) else { Issue.record("head"); return }
        guard case .none = machine.receivedBody(ByteBuffer(string: "abc")) else { Issue.record("body"); return }
        guard case .none = machine.receivedBody(ByteBuffer(string: "def")) else { Issue.record("body"); return }
        guard case .dispatch(let id, _, let body) = machine.receivedEnd() else { Issue.record("end"); return }
        #expect(body.map { String(buffer: $0) } == "abcdef")
        #expect(machine.wantsToRead)
        #expect(answer(&machine, response("r"), id))
        #expect(drain(&machine) == ["write r keepAlive"])
        #expect(machine.pendingCount == 0)
        // A second answer to the same request is ignored.
        #expect(!answer(&machine, response("again"), id))
    }

    @Test("responses completing out of order are written in request order")
    func ordersResponses() throws {
        var machine = machine()
        let first = try #require(request(&machine, head("/1")))
        let second = try #require(request(&machine, head("/2")))
        let third = try #require(request(&machine, head("/3")))
        #expect(!answer(&machine, response("3"), third))
        #expect(!answer(&machine, response("2"), second))
        #expect(drain(&machine) == [])
        #expect(answer(&machine, response("1"), first))
        #expect(drain(&machine) == ["write 1 keepAlive", "write 2 keepAlive", "write 3 keepAlive"])
    }

    @Test("beyond maxPendingRequests requests are parked, reading stops, and both resume as answers go out")
    func backpressure() throws {
        var machine = machine(maxPending: 2)
        let first = try #require(request(&machine, head("/1")))
        _ = try #require(request(&machine, head("/2")))
        #expect(!machine.wantsToRead)
        #expect(request(&machine, head("/3")) == nil)  // parked
        #expect(answer(&machine, response("1"), first))
        #expect(drain(&machine) == ["write 1 keepAlive", "dispatch /3"])
        #expect(machine.pendingCount == 2)
        #expect(!machine.wantsToRead)
    }

    @Test("over the limit by Content-Length: 413 queued behind earlier answers, the rest dropped, then close")
    func refusesDeclared() throws {
        var machine = machine(maxBodySize: 4)
        let first = try #require(request(&machine, head("/1", method: .GET)))
        guard case .drain = machine.receivedHead(head(headers: [("content-length", "5")])) else { Issue.record("413"); return }
        #expect(drain(&machine) == [])  // waits for the first answer
        guard case .none = machine.receivedBody(ByteBuffer(string: "hello")) else { Issue.record("dropped"); return }
        guard case .none = machine.receivedHead(head()) else { Issue.record("pipelined"); return }
        #expect(!machine.wantsToRead)
        #expect(answer(&machine, response("1"), first))
        #expect(drain(&machine) == ["write 1 keepAlive", "write+close 413"])
        #expect(machine.isClosing)
    }

    @Test("a chunked body growing over the limit is refused")
    func refusesGrowing() {
        var machine = machine(maxBodySize: 4)
        _ = machine.receivedHead(head())
        guard case .drain = machine.receivedBody(ByteBuffer(string: "hello")) else { Issue.record("refuse"); return }
        guard case .none = machine.receivedEnd() else { Issue.record("end"); return }
        #expect(drain(&machine) == ["write+close 413"])
    }

    @Test("Connection: close and HTTP/1.0 without keep-alive close after their answer; 1.0 keep-alive says so")
    func connectionHeader() throws {
        var closing = machine()
        let id = try #require(request(&closing, head(headers: [("connection", "close")])))
        guard case .none = closing.receivedHead(head()) else { Issue.record("after close"); return }
        _ = closing.responseReady(response("c"), for: id)
        #expect(drain(&closing) == ["write+close 200"])

        var old = machine()
        let oldID = try #require(request(&old, head(version: .http1_0)))
        _ = old.responseReady(response("o"), for: oldID)
        #expect(drain(&old) == ["write+close 200"])

        var kept = machine()
        let keptID = try #require(request(&kept, head(headers: [("connection", "keep-alive")], version: .http1_0)))
        _ = kept.responseReady(response("k"), for: keptID)
        #expect(drain(&kept) == ["write k keepAliveHTTP10"])
    }

    @Test("HEAD responses omit the body")
    func headOmitsBody() throws {
        var machine = machine()
        _ = machine.receivedHead(head(method: .HEAD))
        guard case .dispatch(let id, _, _) = machine.receivedEnd() else { Issue.record("dispatch"); return }
        _ = machine.responseReady(response("h"), for: id)
        guard case .write(_, let framing) = machine.nextOutput() else { Issue.record("write"); return }
        #expect(framing.omitsBody)
    }

    @Test("100 Continue at once when nothing is owed, after the earlier answers otherwise, never for HTTP/1.0")
    func expectContinue() throws {
        var idle = machine()
        guard case .sendContinue = idle.receivedHead(head(headers: [("expect", "100-Continue")])) else { Issue.record("now"); return }

        var old = machine()
        guard case .none = old.receivedHead(head(headers: [("expect", "100-continue")], version: .http1_0)) else { Issue.record("1.0"); return }

        var busy = machine()
        let first = try #require(request(&busy, head("/1")))
        guard case .none = busy.receivedHead(head(headers: [("expect", "100-continue")])) else { Issue.record("deferred"); return }
        _ = busy.responseReady(response("1"), for: first)
        #expect(drain(&busy) == ["write 1 keepAlive", "100"])
    }

    @Test("a malformed request is answered 400 after what is owed, then the connection closes")
    func malformed() throws {
        var machine = machine()
        let first = try #require(request(&machine, head()))
        let bad = GatewayResponse(status: 400, body: ByteBuffer(string: "bad"))
        guard case .drain = machine.receivedMalformedRequest(bad) else { Issue.record("400"); return }
        #expect(drain(&machine) == [])
        _ = machine.responseReady(response("1"), for: first)
        #expect(drain(&machine) == ["write 1 keepAlive", "write+close 400"])
    }

    @Test("quiesce: idle closes now; busy finishes the request arriving and closes after the last answer")
    func quiesce() throws {
        var idle = machine()
        guard case .close = idle.quiesce() else { Issue.record("idle"); return }

        var busy = machine()
        let first = try #require(request(&busy, head("/1")))
        _ = busy.receivedHead(head("/2"))
        guard case .none = busy.quiesce() else { Issue.record("busy"); return }
        guard case .dispatch(let second, _, _) = busy.receivedEnd() else { Issue.record("finishes /2"); return }
        guard case .none = busy.receivedHead(head("/3")) else { Issue.record("/3 dropped"); return }
        _ = busy.responseReady(response("1"), for: first)
        #expect(drain(&busy) == ["write 1 keepAlive"])
        _ = busy.responseReady(response("2"), for: second)
        #expect(drain(&busy) == ["write+close 200"])
    }

    @Test("idle timer: closes after the timeout since the last activity, never while an answer is owed")
    func idleTimer() throws {
        var machine = machine(idle: .seconds(5))
        #expect(fire(&machine, at: Self.start + .seconds(2)) == .check(at: Self.start + .seconds(5)))
        machine.sawActivity(at: Self.start + .seconds(4))
        #expect(fire(&machine, at: Self.start + .seconds(5)) == .check(at: Self.start + .seconds(9)))
        let id = try #require(request(&machine, head()))
        #expect(fire(&machine, at: Self.start + .seconds(9)) == .check(at: Self.start + .seconds(14)))
        _ = machine.responseReady(response("r"), for: id)
        _ = drain(&machine)
        machine.sawActivity(at: Self.start + .seconds(10))
        #expect(fire(&machine, at: Self.start + .seconds(14)) == .check(at: Self.start + .seconds(15)))
        #expect(fire(&machine, at: Self.start + .seconds(15)) == .close)
        #expect(fire(&machine, at: Self.start + .seconds(20)) == .stop)
    }
}
