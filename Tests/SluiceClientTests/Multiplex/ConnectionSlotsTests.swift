import Testing

@testable import SluiceClient

@Suite("Multiplexed connection slots")
struct ConnectionSlotsTests {
    typealias Slots = ConnectionSlots<String, Int>

    @Test("two endpoints, two connections each: round-robin connects every slot once, alternating endpoints")
    func roundRobin() {
        var slots = Slots(endpointCount: 2, connectionsPerEndpoint: 2)
        var endpoints: [Int] = []
        for n in 0..<4 {
            guard case .connect(let slot, let id, let endpoint, _, let pending) = slots.pick(makePending: { _ in n }) else {
                Issue.record("expected a connect")
                return
            }
            #expect(pending == n)
            endpoints.append(endpoint)
            let kept = slots.connected(slot: slot, id: id, "c\(slot)")
            #expect(kept)
        }
        #expect(endpoints == [0, 1, 0, 1])
        var used: [String] = []
        for _ in 0..<4 {
            if case .use(let connection) = slots.pick(makePending: { _ in -1 }) { used.append(connection) }
        }
        #expect(used == ["c0", "c1", "c2", "c3"])
    }

    @Test("callers join a connect in progress; a reset slot reconnects with a new id")
    func joinAndReset() {
        var slots = Slots(endpointCount: 1, connectionsPerEndpoint: 1)
        guard case .connect(let slot, let id, _, _, _) = slots.pick(makePending: { _ in 7 }) else {
            Issue.record("connect")
            return
        }
        guard case .join(7) = slots.pick(makePending: { _ in 8 }) else {
            Issue.record("join")
            return
        }
        slots.reset(slot: slot, id: id)
        guard case .connect(_, let second, _, _, 9) = slots.pick(makePending: { _ in 9 }) else {
            Issue.record("reconnect")
            return
        }
        #expect(second != id)
        // A late success for the abandoned connect is refused, so its owner closes it.
        let staleKept = slots.connected(slot: slot, id: id, "stale")
        let freshKept = slots.connected(slot: slot, id: second, "fresh")
        #expect(!staleKept)
        #expect(freshKept)
        // A stale reset (old id) leaves the new connection alone.
        slots.reset(slot: slot, id: id)
        guard case .use("fresh") = slots.pick(makePending: { _ in 0 }) else {
            Issue.record("use")
            return
        }
    }

    @Test("callers on a loop with slots stay on them; every loop reaches every endpoint")
    func loopAffinity() {
        // 2 endpoints x 2 connections over 2 loops: loop 0 holds slots 0 (endpoint 0) and 1 (endpoint 1),
        // loop 1 holds slots 2 and 3.
        var slots = Slots(endpointCount: 2, connectionsPerEndpoint: 2, loopCount: 2)
        #expect((0..<4).map { slots.loop(ofSlot: $0) } == [0, 0, 1, 1])
        var connects: [(slot: Int, endpoint: Int, loop: Int)] = []
        for caller in [0, 1, 0, 1] {
            guard case .connect(let slot, let id, let endpoint, let loop, _) = slots.pick(
                callerLoop: caller, makePending: { $0 })
            else {
                Issue.record("expected a connect")
                return
            }
            connects.append((slot, endpoint, loop))
            _ = slots.connected(slot: slot, id: id, "c\(slot)")
        }
        #expect(connects.map(\.slot) == [0, 2, 1, 3])
        #expect(connects.map(\.endpoint) == [0, 0, 1, 1])
        #expect(connects.map(\.loop) == [0, 1, 0, 1])
        var fromLoop0: [String] = []
        for _ in 0..<4 {
            if case .use(let connection) = slots.pick(callerLoop: 0, makePending: { _ in -1 }) {
                fromLoop0.append(connection)
            }
        }
        #expect(fromLoop0 == ["c0", "c1", "c0", "c1"])
        // A caller on a loop without slots (or of another group) is served from all of them.
        var fromElsewhere: [String] = []
        for _ in 0..<4 {
            if case .use(let connection) = slots.pick(callerLoop: 7, makePending: { _ in -1 }) {
                fromElsewhere.append(connection)
            }
        }
        #expect(fromElsewhere == ["c0", "c1", "c2", "c3"])
    }

    @Test("more loops than slots: the extra loops borrow round-robin")
    func moreLoopsThanSlots() {
        var slots = Slots(endpointCount: 1, connectionsPerEndpoint: 2, loopCount: 4)
        #expect((0..<2).map { slots.loop(ofSlot: $0) } == [0, 1])
        guard case .connect(let first, _, _, 0, _) = slots.pick(callerLoop: 3, makePending: { $0 }) else {
            Issue.record("loop 3 borrows slot 0, on loop 0")
            return
        }
        #expect(first == 0)
    }

    @Test("no endpoints is reported, not a crash")
    func empty() {
        var slots = Slots(endpointCount: 0, connectionsPerEndpoint: 2)
        guard case .noEndpoints = slots.pick(makePending: { _ in 0 }) else {
            Issue.record("noEndpoints")
            return
        }
    }

    @Test("removeAll hands back connections and pending connects")
    func removeAll() {
        var slots = Slots(endpointCount: 1, connectionsPerEndpoint: 2)
        if case .connect(let slot, let id, _, _, _) = slots.pick(makePending: { _ in 1 }) {
            _ = slots.connected(slot: slot, id: id, "up")
        }
        _ = slots.pick(makePending: { _ in 2 })
        let (connections, pending) = slots.removeAll()
        #expect(connections == ["up"])
        #expect(pending == [2])
    }
}
