import NIOCore
import NIOWebSocket
import Testing
@testable import SluiceGateway

@Suite("WebSocket connection state machine")
struct WebSocketConnectionStateMachineTests {
    typealias Machine = WebSocketConnectionStateMachine

    static let start = NIODeadline.uptimeNanoseconds(1_000_000_000)
    static let mask: WebSocketMaskingKey = [1, 2, 3, 4]

    func machine(maxMessage: Int = 16, maxInFlight: Int = 2, ping: TimeAmount = .seconds(3), idle: TimeAmount = .seconds(10)) -> Machine {
        Machine(
            configuration: Machine.Configuration(maxMessageSize: maxMessage, maxInFlight: maxInFlight, pingInterval: ping, idleTimeout: idle),
            now: Self.start)
    }

    /// A client frame: masked unless told otherwise.
    func frame(_ opcode: WebSocketOpcode, _ text: String, fin: Bool = true, masked: Bool = true, rsv1: Bool = false) -> WebSocketFrame {
        var data = ByteBuffer(string: text)
        if masked { data.webSocketMask(Self.mask) }
        return WebSocketFrame(fin: fin, rsv1: rsv1, opcode: opcode, maskKey: masked ? Self.mask : nil, data: data)
    }

    func close(_ code: UInt16?) -> WebSocketFrame {
        var data = ByteBuffer()
        if let code { data.writeInteger(code) }
        data.webSocketMask(Self.mask)
        return WebSocketFrame(fin: true, opcode: .connectionClose, maskKey: Self.mask, data: data)
    }

    /// Feeds `frame`; a complete message is taken as a request whose id is the message's text, and the id of
    /// the request dispatched at once is returned.
    func dispatched(_ m: inout Machine, _ frame: WebSocketFrame) -> String? {
        guard case .message(let message) = m.receivedFrame(frame, now: Self.start) else { return nil }
        guard case .dispatch(let request) = m.received(.request(Self.request(id: message))) else { return nil }
        return request.id.map { String(buffer: $0) }
    }

    static func request(id: ByteBuffer) -> WebSocketRequestMessage {
        WebSocketRequestMessage(id: id, request: GatewayRequest(method: "GET", target: "/x", headers: GatewayHeaders(), body: nil))
    }

    func isNone(_ action: Machine.FrameAction) -> Bool {
        if case .none = action { return true }
        return false
    }

    func failure(_ action: Machine.FrameAction) -> WebSocketErrorCode? {
        guard case .fail(let code) = action else { return nil }
        return code
    }

    @Test("text and binary messages are unmasked and dispatched whole")
    func wholeMessages() {
        var m = machine(maxInFlight: 5)
        #expect(dispatched(&m, frame(.text, "{\"a\":1}")) == "{\"a\":1}")
        #expect(dispatched(&m, frame(.binary, "[2]")) == "[2]")
        #expect(m.inFlight == 2)
    }

    @Test("fragments are reassembled; pings between them are answered")
    func fragments() {
        var m = machine()
        #expect(dispatched(&m, frame(.text, "{\"a\"", fin: false)) == nil)
        guard case .pong(let payload) = m.receivedFrame(frame(.ping, "hb"), now: Self.start) else {
            Issue.record("a ping inside a fragmented message is answered")
            return
        }
        #expect(String(buffer: payload) == "hb")
        #expect(dispatched(&m, frame(.continuation, ":1", fin: false)) == nil)
        #expect(dispatched(&m, frame(.continuation, "}")) == "{\"a\":1}")
    }

    @Test("a reassembled message over the limit closes with 1009")
    func reassembledTooLarge() {
        var m = machine(maxMessage: 8)
        #expect(dispatched(&m, frame(.text, "123456", fin: false)) == nil)
        #expect(failure(m.receivedFrame(frame(.continuation, "789"), now: Self.start)) == .messageTooLarge)
        #expect(m.isClosed)
        #expect(failure(m.receivedInvalidFrame(tooLarge: true)) == nil, "nothing happens after the close")
    }

    @Test("a whole frame over the limit (a decoder set up with a larger one let it through) closes with 1009")
    func frameTooLarge() {
        var m = machine(maxMessage: 4)
        #expect(failure(m.receivedFrame(frame(.binary, "12345"), now: Self.start)) == .messageTooLarge)
    }

    @Test("a frame the decoder refuses as too long closes with 1009; other decoder errors with 1002")
    func decoderErrors() {
        var m = machine()
        #expect(failure(m.receivedInvalidFrame(tooLarge: true)) == .messageTooLarge)
        var n = machine()
        #expect(failure(n.receivedInvalidFrame(tooLarge: false)) == .protocolError)
    }

    @Test(
        "protocol violations close with 1002",
        arguments: [
            "unmasked", "reserved bit", "continuation without a start", "new message inside a fragmented one",
            "unknown opcode", "close with a one-byte payload", "close with a reserved code",
        ])
    func protocolViolations(_ violation: String) {
        var m = machine()
        let action: Machine.FrameAction
        switch violation {
        case "unmasked": action = m.receivedFrame(frame(.text, "{}", masked: false), now: Self.start)
        case "reserved bit": action = m.receivedFrame(frame(.text, "{}", rsv1: true), now: Self.start)
        case "continuation without a start": action = m.receivedFrame(frame(.continuation, "{}"), now: Self.start)
        case "new message inside a fragmented one":
            _ = m.receivedFrame(frame(.text, "{", fin: false), now: Self.start)
            action = m.receivedFrame(frame(.text, "{}"), now: Self.start)
        case "unknown opcode":
            action = m.receivedFrame(frame(WebSocketOpcode(encodedWebSocketOpcode: 0x3)!, "{}"), now: Self.start)
        case "close with a one-byte payload":
            var data = ByteBuffer(bytes: [0x03])
            data.webSocketMask(Self.mask)
            action = m.receivedFrame(WebSocketFrame(fin: true, opcode: .connectionClose, maskKey: Self.mask, data: data), now: Self.start)
        default: action = m.receivedFrame(close(1005), now: Self.start)
        }
        #expect(failure(action) == .protocolError)
        #expect(!m.wantsToRead)
    }

    @Test("at max_in_flight reading stops; messages already read wait and go out as replies do")
    func inFlightBound() {
        var m = machine(maxInFlight: 2)
        #expect(dispatched(&m, frame(.text, "1")) == "1")
        #expect(m.wantsToRead)
        #expect(dispatched(&m, frame(.text, "2")) == "2")
        #expect(!m.wantsToRead)
        // Frames from bytes read before reading stopped.
        #expect(dispatched(&m, frame(.text, "3")) == nil)
        #expect(dispatched(&m, frame(.text, "4")) == nil)
        #expect(m.nextOutput() == nil)
        let replied1 = m.replyReady()
        #expect(replied1)
        guard case .dispatch(let third) = m.nextOutput() else {
            Issue.record("the oldest waiting message is dispatched")
            return
        }
        #expect(third.id.map { String(buffer: $0) } == "3")
        #expect(m.nextOutput() == nil)
        #expect(!m.wantsToRead, "one message still waits")
        let replied2 = m.replyReady()
        #expect(replied2)
        guard case .dispatch(let fourth) = m.nextOutput() else {
            Issue.record("the next waiting message is dispatched")
            return
        }
        #expect(fourth.id.map { String(buffer: $0) } == "4")
        let replied3 = m.replyReady()
        #expect(replied3)
        #expect(m.wantsToRead)
        #expect(m.inFlight == 1)
    }

    @Test("the client's close is answered with its code after the replies owed")
    func clientClose() {
        var m = machine()
        _ = dispatched(&m, frame(.text, "1"))
        guard case .drain = m.receivedFrame(close(4000), now: Self.start) else {
            Issue.record("a close asks for a drain")
            return
        }
        #expect(m.nextOutput() == nil, "a reply is still owed")
        #expect(!m.wantsToRead)
        #expect(dispatched(&m, frame(.text, "late")) == nil, "nothing is read after a close")
        let replied4 = m.replyReady()
        #expect(replied4, "the owed reply is written")
        guard case .close(let code) = m.nextOutput() else {
            Issue.record("then the close goes out")
            return
        }
        #expect(code == .unknown(4000))
        #expect(m.nextOutput() == nil)
        #expect(m.isClosed)
    }

    @Test("a close without a code is answered 1000")
    func closeWithoutCode() {
        var m = machine()
        _ = m.receivedFrame(close(nil), now: Self.start)
        guard case .close(let code) = m.nextOutput() else {
            Issue.record("nothing is owed: close at once")
            return
        }
        #expect(code == .normalClosure)
    }

    @Test("after a failure, replies still owed are dropped")
    func repliesDroppedAfterFailure() {
        var m = machine()
        _ = dispatched(&m, frame(.text, "1"))
        _ = m.receivedFrame(frame(.text, "{}", masked: false), now: Self.start)
        let replied5 = m.replyReady()
        #expect(!replied5)
        #expect(m.nextOutput() == nil)
    }

    @Test("graceful shutdown sends 1001 once in-flight replies are written")
    func quiesce() {
        var m = machine()
        _ = dispatched(&m, frame(.text, "1"))
        guard case .drain = m.quiesce() else {
            Issue.record("quiesce asks for a drain")
            return
        }
        #expect(m.nextOutput() == nil)
        let replied6 = m.replyReady()
        #expect(replied6)
        guard case .close(let code) = m.nextOutput() else {
            Issue.record("then 1001")
            return
        }
        #expect(code == .goingAway)
    }

    @Test("pings go out every interval; a client silent for the idle timeout is closed, unless a reply is owed")
    func pingAndIdle() {
        var m = machine(ping: .seconds(3), idle: .seconds(10))
        #expect(m.timerFired(now: Self.start + .seconds(1)) == .check(at: Self.start + .seconds(3)))
        #expect(m.timerFired(now: Self.start + .seconds(3)) == .ping(next: Self.start + .seconds(6)))
        // The client answers (a pong): the idle clock restarts.
        #expect(isNone(m.receivedFrame(frame(.pong, ""), now: Self.start + .seconds(4))))
        #expect(m.timerFired(now: Self.start + .seconds(12)) == .ping(next: Self.start + .seconds(14)))
        #expect(m.timerFired(now: Self.start + .seconds(14)) == .close)
        #expect(m.timerFired(now: Self.start + .seconds(15)) == .stop)

        var busy = machine(ping: .seconds(3), idle: .seconds(10))
        _ = dispatched(&busy, frame(.text, "1"))
        #expect(busy.timerFired(now: Self.start + .seconds(20)) == .ping(next: Self.start + .seconds(23)))
    }

    static func item(_ id: String) -> WebSocketInbound {
        .stream(WebSocketStreamMessage(id: ByteBuffer(string: id), kind: .end))
    }

    @Test("a stream's messages pass the in-flight bound, which its opening request counts once")
    func streamMessagesPassTheBound() {
        var m = machine(maxInFlight: 1)
        #expect(dispatched(&m, frame(.text, "s")) == "s")
        #expect(!m.wantsToRead)
        guard case .deliver(let next) = m.received(Self.item("s")) else {
            Issue.record("delivered although the bound is reached")
            return
        }
        #expect(String(buffer: next.id) == "s")
        #expect(m.inFlight == 1)
        // Reading goes on while the stream awaits messages; requests read meanwhile wait, until more than the
        // bound do.
        #expect(m.wantsToRead(awaitingStreamMessages: true))
        #expect(m.received(.request(Self.request(id: ByteBuffer(string: "r")))) == nil)
        #expect(m.wantsToRead(awaitingStreamMessages: true))
        #expect(!m.wantsToRead(awaitingStreamMessages: false))
        #expect(m.received(.request(Self.request(id: ByteBuffer(string: "t")))) == nil)
        #expect(!m.wantsToRead(awaitingStreamMessages: true))
    }

    @Test("a stream's messages whose opening request waits wait behind it; others go ahead")
    func streamMessagesWaitForTheirOpener() {
        var m = machine(maxInFlight: 1)
        #expect(dispatched(&m, frame(.text, "a")) == "a")
        #expect(m.received(.request(Self.request(id: ByteBuffer(string: "b")))) == nil)
        #expect(m.received(Self.item("b")) == nil)
        guard case .deliver(let other) = m.received(Self.item("a")) else {
            Issue.record("the open stream's message goes ahead of the waiting request")
            return
        }
        #expect(String(buffer: other.id) == "a")
        let replied = m.replyReady()
        #expect(replied)
        guard case .dispatch(let opener) = m.nextOutput(), case .deliver(let behind) = m.nextOutput() else {
            Issue.record("the opener, then its message")
            return
        }
        #expect(opener.id.map { String(buffer: $0) } == "b")
        #expect(String(buffer: behind.id) == "b")
        #expect(m.nextOutput() == nil)
    }
}
