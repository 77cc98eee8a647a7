/// The multiplexed transports' connection table: `connectionsPerEndpoint` slots per endpoint, interleaved so
/// round-robin over the slots also rotates over endpoints.
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
    private var next = 0
    private var nextConnectionID = 0

    init(endpointCount: Int, connectionsPerEndpoint: Int) {
        self.endpointCount = endpointCount
        self.slots = Array(repeating: .empty, count: endpointCount * max(1, connectionsPerEndpoint))
    }

    enum PickAction {
        case use(Connection)
        case join(Pending)
        /// Open connection `id` to endpoint `endpointIndex` for slot `slot`; `pending` is already in place.
        case connect(slot: Int, id: Int, endpointIndex: Int, Pending)
        case noEndpoints
    }

    /// Picks the next slot round-robin. `makePending` is called only when the slot must connect.
    mutating func pick(makePending: () -> Pending) -> PickAction {
        guard !slots.isEmpty else { return .noEndpoints }
        let index = next
        next = (next + 1) % slots.count
        switch slots[index] {
        case .ready(_, let connection):
            return .use(connection)
        case .connecting(_, let pending):
            return .join(pending)
        case .empty:
            let id = nextConnectionID
            nextConnectionID += 1
            let pending = makePending()
            slots[index] = .connecting(id: id, pending)
            return .connect(slot: index, id: id, endpointIndex: index % endpointCount, pending)
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
