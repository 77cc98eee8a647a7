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
            guard case .connect(let slot, let id, let endpoint, let pending) = slots.pick(makePending: { n }) else {
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
            if case .use(let connection) = slots.pick(makePending: { -1 }) { used.append(connection) }
        }
        #expect(used == ["c0", "c1", "c2", "c3"])
    }

    @Test("callers join a connect in progress; a reset slot reconnects with a new id")
    func joinAndReset() {
        var slots = Slots(endpointCount: 1, connectionsPerEndpoint: 1)
        guard case .connect(let slot, let id, _, _) = slots.pick(makePending: { 7 }) else {
            Issue.record("connect")
            return
        }
        guard case .join(7) = slots.pick(makePending: { 8 }) else {
            Issue.record("join")
            return
        }
        slots.reset(slot: slot, id: id)
        guard case .connect(_, let second, _, 9) = slots.pick(makePending: { 9 }) else {
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
        guard case .use("fresh") = slots.pick(makePending: { 0 }) else {
            Issue.record("use")
            return
        }
    }

    @Test("no endpoints is reported, not a crash")
    func empty() {
        var slots = Slots(endpointCount: 0, connectionsPerEndpoint: 2)
        guard case .noEndpoints = slots.pick(makePending: { 0 }) else {
            Issue.record("noEndpoints")
            return
        }
    }

    @Test("removeAll hands back connections and pending connects")
    func removeAll() {
        var slots = Slots(endpointCount: 1, connectionsPerEndpoint: 2)
        if case .connect(let slot, let id, _, _) = slots.pick(makePending: { 1 }) {
            _ = slots.connected(slot: slot, id: id, "up")
        }
        _ = slots.pick(makePending: { 2 })
        let (connections, pending) = slots.removeAll()
        #expect(connections == ["up"])
        #expect(pending == [2])
    }
}
