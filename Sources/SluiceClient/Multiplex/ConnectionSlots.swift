/// The multiplexed transports' connection table: `connectionsPerEndpoint` slots per endpoint, interleaved so
/// round-robin over the slots also rotates over endpoints.
///
/// Each slot also has a home event loop, chosen so that every loop holds connections to every endpoint when
/// there are enough slots: slot `i` lives on loop `(i / endpointCount) % loopCount`. A caller on a loop that
/// has slots is served round-robin from that loop's slots, so its call and reply never cross threads; a caller
/// on any other loop is served round-robin from all slots.
///
/// A pure value. `Connection` is the connected object; `Pending` is what callers join while a slot connects.
struct ConnectionSlots<Connection, Pending> {
    enum Slot {
        case empty
        case connecting(id: Int, Pending)
        case ready(id: Int, Connection)
    }

    private(set) var slots: [Slot]
    let endpointCount: Int
    /// Each loop's slots, by loop index.
    private let slotsByLoop: [[Int]]
    private var next = 0
    private var nextByLoop: [Int]
    private var nextConnectionID = 0

    init(endpointCount: Int, connectionsPerEndpoint: Int, loopCount: Int = 1) {
        self.endpointCount = endpointCount
        let count = endpointCount * max(1, connectionsPerEndpoint)
        self.slots = Array(repeating: .empty, count: count)
        let loopCount = max(1, loopCount)
        var slotsByLoop = Array(repeating: [Int](), count: loopCount)
        for slot in 0..<count {
            slotsByLoop[Self.loop(ofSlot: slot, endpointCount: endpointCount, loopCount: loopCount)].append(slot)
        }
        self.slotsByLoop = slotsByLoop
        self.nextByLoop = Array(repeating: 0, count: loopCount)
    }

    private static func loop(ofSlot slot: Int, endpointCount: Int, loopCount: Int) -> Int {
        (slot / max(1, endpointCount)) % loopCount
    }

    /// The loop index slot `slot` connects on.
    func loop(ofSlot slot: Int) -> Int {
        Self.loop(ofSlot: slot, endpointCount: endpointCount, loopCount: slotsByLoop.count)
    }

    enum PickAction {
        case use(Connection)
        case join(Pending)
        /// Open connection `id` to endpoint `endpointIndex` on loop `loopIndex` for slot `slot`; `pending` is
        /// already in place.
        case connect(slot: Int, id: Int, endpointIndex: Int, loopIndex: Int, Pending)
        case noEndpoints
    }

    /// Picks the next slot round-robin: among the caller's loop's slots when it has any, else among all.
    /// `makePending` is called with the slot's loop index, only when the slot must connect.
    mutating func pick(callerLoop: Int? = nil, makePending: (_ loopIndex: Int) -> Pending) -> PickAction {
        guard !slots.isEmpty else { return .noEndpoints }
        let index: Int
        if let callerLoop, slotsByLoop.indices.contains(callerLoop), !slotsByLoop[callerLoop].isEmpty {
            let local = slotsByLoop[callerLoop]
            index = local[nextByLoop[callerLoop] % local.count]
            nextByLoop[callerLoop] = (nextByLoop[callerLoop] + 1) % local.count
        } else {
            index = next
            next = (next + 1) % slots.count
        }
        switch slots[index] {
        case .ready(_, let connection):
            return .use(connection)
        case .connecting(_, let pending):
            return .join(pending)
        case .empty:
            let id = nextConnectionID
            nextConnectionID += 1
            let loopIndex = loop(ofSlot: index)
            let pending = makePending(loopIndex)
            slots[index] = .connecting(id: id, pending)
            return .connect(
                slot: index, id: id, endpointIndex: index % endpointCount, loopIndex: loopIndex, pending)
        }
    }

    /// The slot's connection is up. Returns false when the slot moved on (it was reset), so the owner closes it.
    mutating func connected(slot: Int, id: Int, _ connection: Connection) -> Bool {
        guard case .connecting(let current, _) = slots[slot], current == id else { return false }
        slots[slot] = .ready(id: id, connection)
        return true
    }

    /// The slot's connection failed to connect or closed: the next pick of the slot reconnects.
    mutating func reset(slot: Int, id: Int) {
        switch slots[slot] {
        case .connecting(let current, _) where current == id, .ready(let current, _) where current == id:
            slots[slot] = .empty
        default:
            break
        }
    }

    /// Empties every slot, returning the connections to close and the pending connects to abandon.
    mutating func removeAll() -> (connections: [Connection], pending: [Pending]) {
        var connections: [Connection] = []
        var pending: [Pending] = []
        for slot in slots {
            switch slot {
            case .ready(_, let connection): connections.append(connection)
            case .connecting(_, let waiting): pending.append(waiting)
            case .empty: break
            }
        }
        slots = Array(repeating: .empty, count: slots.count)
        return (connections, pending)
    }
}
