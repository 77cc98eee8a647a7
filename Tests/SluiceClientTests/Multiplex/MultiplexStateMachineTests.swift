import Testing

@testable import SluiceClient

@Suite("Multiplex state machine")
struct MultiplexStateMachineTests {
    typealias Machine = MultiplexStateMachine<String>

    static func written(_ action: Machine.SendAction) -> Int32? {
        if case .write(let id) = action { return id }
        return nil
    }

    @Test("replies complete their own request, in any order")
    func outOfOrder() {
        var machine = Machine()
        let a = Self.written(machine.send("a"))
        let b = Self.written(machine.send("b"))
        let c = Self.written(machine.send("c"))
        #expect([a, b, c] == [1, 2, 3])
        guard case .complete("b") = machine.replyReceived(sequenceID: 2) else { Issue.record("b"); return }
        guard case .complete("c") = machine.replyReceived(sequenceID: 3) else { Issue.record("c"); return }
        guard case .complete("a") = machine.replyReceived(sequenceID: 1) else { Issue.record("a"); return }
        #expect(machine.inFlightCount == 0)
    }

    @Test("a reply after the timeout is dropped, and a duplicate reply too")
    func lateReply() {
        var machine = Machine()
        let id = Self.written(machine.send("a")) ?? -1
        guard case .complete("a") = machine.timedOut(sequenceID: id) else { Issue.record("timeout"); return }
        guard case .drop = machine.replyReceived(sequenceID: id) else { Issue.record("late reply"); return }
        guard case .drop = machine.timedOut(sequenceID: id) else { Issue.record("second timeout"); return }
    }

    @Test("seq ids wrap from Int32.max to 1")
    func wrapAround() {
        var machine = Machine(firstSequenceID: Int32.max - 1)
        #expect(Self.written(machine.send("x")) == Int32.max - 1)
        #expect(Self.written(machine.send("y")) == Int32.max)
        #expect(Self.written(machine.send("z")) == 1)
    }

    @Test("ids still in flight are skipped when the counter comes round to them")
    func skipInFlight() {
        var machine = Machine(firstSequenceID: 5, inFlight: [5: "held", 6: "held too"])
        #expect(Self.written(machine.send("new")) == 7)
        var wrapping = Machine(firstSequenceID: Int32.max, inFlight: [Int32.max: "held", 1: "held too"])
        #expect(Self.written(wrapping.send("new")) == 2)
        #expect(wrapping.inFlightCount == 3)
    }

    @Test("oneway calls get an id but are not tracked")
    func oneway() {
        var machine = Machine()
        #expect(Self.written(machine.send("o", expectsReply: false)) == 1)
        #expect(machine.inFlightCount == 0)
        #expect(Self.written(machine.send("c")) == 2)
    }

    @Test("closing fails every request in flight once, and every later send")
    func close() {
        var machine = Machine()
        _ = machine.send("a")
        _ = machine.send("b")
        let failed = machine.closed(ClientError(.connectionClosed, "gone"))
        #expect(Set(failed) == ["a", "b"])
        #expect(machine.closed(ClientError(.connectionClosed, "again")).isEmpty)
        guard case .fail(let error) = machine.send("c") else { Issue.record("send after close"); return }
        #expect(error.kind == .connectionClosed)
        guard case .drop = machine.replyReceived(sequenceID: 1) else { Issue.record("reply after close"); return }
    }

    @Test("inFlight looks up only requests still waiting")
    func lookup() {
        var machine = Machine()
        _ = machine.send("a")
        #expect(machine.inFlight(1) == "a")
        #expect(machine.inFlight(9) == nil)
        _ = machine.replyReceived(sequenceID: 1)
        #expect(machine.inFlight(1) == nil)
    }
}
