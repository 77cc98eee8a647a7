import NIOCore
import NIOEmbedded
import Testing
@testable import SluiceGateway

@Suite("HTTP/1.1 header timeout")
struct HTTP1HeaderTimeoutTests {
    typealias Machine = HTTP1ConnectionStateMachine
    let support = HTTP1ConnectionStateMachineTests()
    var start: NIODeadline { HTTP1ConnectionStateMachineTests.start }

    @Test("state machine: a read leaving a head unfinished starts its deadline once; at it a 408 is queued and the connection closes")
    func unfinishedHead() {
        var machine = support.machine(idle: .seconds(60), header: .seconds(3))
        #expect(machine.readCompleted(at: start + .seconds(1), sawRequestParts: false) == start + .seconds(4))
        // More bytes of the same head do not extend it.
        #expect(machine.readCompleted(at: start + .seconds(3), sawRequestParts: false) == nil)
        #expect(support.fire(&machine, at: start + .seconds(3)) == .check(at: start + .seconds(4)))
        #expect(support.fire(&machine, at: start + .seconds(4)) == .drain)
        #expect(support.drain(&machine) == ["write+close 408"])
        #expect(support.fire(&machine, at: start + .seconds(5)) == .stop)
    }

    @Test("state machine: a head arriving clears the deadline; a head in one read never sets one")
    func headArrives() throws {
        var machine = support.machine(idle: .seconds(60), header: .seconds(3))
        #expect(machine.readCompleted(at: start, sawRequestParts: false) == start + .seconds(3))
        let id = try #require(support.request(&machine, support.head()))
        #expect(machine.readCompleted(at: start + .seconds(1), sawRequestParts: true) == nil)
        _ = machine.responseReady(support.response("r"), for: id)
        #expect(support.drain(&machine) == ["write r keepAlive"])
        #expect(support.fire(&machine, at: start + .seconds(3)) == .check(at: start + .seconds(61)))
        // The next request arrives whole: nothing to time.
        _ = support.request(&machine, support.head())
        #expect(machine.readCompleted(at: start + .seconds(5), sawRequestParts: true) == nil)
    }

    @Test("state machine: no 408 while a response is owed (reading may be paused by the gateway)")
    func notWhileOwed() throws {
        var machine = support.machine(idle: .seconds(60), header: .seconds(3))
        let id = try #require(support.request(&machine, support.head()))
        #expect(machine.readCompleted(at: start, sawRequestParts: false) == start + .seconds(3))
        #expect(support.fire(&machine, at: start + .seconds(3)) == .check(at: start + .seconds(63)))
        _ = machine.responseReady(support.response("r"), for: id)
        _ = support.drain(&machine)
        #expect(support.fire(&machine, at: start + .seconds(4)) == .drain)
        #expect(support.drain(&machine) == ["write+close 408"])
    }

    @Test("handler: a slowloris head trickling in gets 408 at the header timeout and the connection closes")
    func slowloris() throws {
        let harness = try HTTP1Harness(idleTimeout: .seconds(60), headerTimeout: .seconds(3))
        try harness.send("GET /x HTTP/1.1\r\n")
        for piece in ["Host: h\r\n", "X-A: 1\r\n"] {
            harness.channel.embeddedEventLoop.advanceTime(by: .seconds(1))
            try harness.send(piece)
        }
        #expect(try harness.output() == "")
        harness.channel.embeddedEventLoop.advanceTime(by: .seconds(1))
        let responses = HTTP1Harness.responses(try harness.output())
        #expect(responses.first?.head.hasPrefix("HTTP/1.1 408 Request Timeout") == true)
        #expect(responses.first?.body == #"{"error":{"code":"request_timeout","message":"the request head did not arrive in time"}}"#)
        harness.channel.embeddedEventLoop.run()
        #expect(!harness.channel.isActive)
        #expect(harness.handler.requests.isEmpty)
    }

    @Test("handler: a keep-alive connection that sends nothing more is closed by the idle timeout, without a 408")
    func idleIsNotAHeadTimeout() throws {
        let harness = try HTTP1Harness(idleTimeout: .seconds(10), headerTimeout: .seconds(3))
        try harness.send("GET /x HTTP/1.1\r\nHost: h\r\n\r\n")
        #expect(HTTP1Harness.responses(try harness.output()).count == 1)
        harness.channel.embeddedEventLoop.advanceTime(by: .seconds(9))
        #expect(harness.channel.isActive)
        harness.channel.embeddedEventLoop.advanceTime(by: .seconds(1))
        #expect(try harness.output() == "")
        #expect(!harness.channel.isActive)
    }

    @Test("handler: a head split over reads but finished in time is served")
    func splitHeadInTime() throws {
        let harness = try HTTP1Harness(idleTimeout: .seconds(60), headerTimeout: .seconds(3))
        try harness.send("GET /x HTTP/1.1\r\nHo")
        harness.channel.embeddedEventLoop.advanceTime(by: .seconds(2))
        try harness.send("st: h\r\n\r\n")
        harness.channel.embeddedEventLoop.advanceTime(by: .seconds(5))
        #expect(HTTP1Harness.responses(try harness.output()).map { $0.head.prefix(12) } == ["HTTP/1.1 200"])
        #expect(harness.channel.isActive)
    }
}
