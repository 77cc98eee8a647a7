import Synchronization

/// What a demo method answered.
enum DemoOutcome: Sendable, Hashable {
    /// The `success` value.
    case success(DemoJSON)
    /// A `void` method returned.
    case void
    /// A declared exception, by its `throws` field name.
    case exception(field: String, value: DemoJSON)
    /// A TApplicationException (type, message).
    case applicationError(type: Int32, message: String)
}

/// The store example's business logic, in memory: the same three seed items and the same answers as the
/// Python server the integration tests run, so tests and the README's curl commands hold for both.
final class DemoStore: Sendable {
    private struct State {
        var items: [Int64: DemoJSON]
        var events: [String] = []
    }

    private let state: Mutex<State>

    init() {
        var items: [Int64: DemoJSON] = [:]
        for item in Self.seedItems {
            if let id = item["id"]?.int { items[id] = item }
        }
        state = Mutex(State(items: items))
    }

    /// `arguments` is the method's `_args` struct as JSON (`{"req": {...}}`).
    func call(_ method: String, arguments: DemoJSON) -> DemoOutcome {
        switch method {
        case "ping":
            return .success(.string("pong"))
        case "getItem":
            let id = arguments["req"]?["id"]?.int ?? 0
            guard let item = state.withLock({ $0.items[id] }) else { return notFound(id) }
            return .success(item)
        case "createItem":
            guard let item = arguments["req"]?["item"], let id = item["id"]?.int else {
                return .exception(field: "invalid", value: invalid("item", "is required"))
            }
            guard let name = item["name"]?.string, !name.isEmpty else {
                return .exception(field: "invalid", value: invalid("item.name", "must not be empty"))
            }
            if arguments["req"]?["dry_run"] != .bool(true) {
                state.withLock { $0.items[id] = item }
            }
            return .success(item)
        case "search":
            return .success(search(arguments["req"] ?? .object([:])))
        case "deleteItem":
            let id = arguments["req"]?["id"]?.int ?? 0
            let removed = state.withLock { $0.items.removeValue(forKey: id) }
            return removed == nil ? notFound(id) : .void
        case "find":
            return find(arguments["selector"] ?? .object([:]))
        case "echoItem":
            return .success(arguments["item"] ?? .null)
        case "logEvent":
            let event = arguments["event"]?.string ?? ""
            state.withLock { $0.events.append(event) }
            return .void
        case "events":
            return .success(.array(state.withLock { $0.events }.map(DemoJSON.string)))
        case "fail":
            let type = Int32(clamping: arguments["type"]?.int ?? 0)
            return .applicationError(type: type, message: arguments["message"]?.string ?? "")
        default:
            // Type 1 is UNKNOWN_METHOD.
            return .applicationError(type: 1, message: "the demo store does not serve \(method)")
        }
    }

    private func search(_ request: DemoJSON) -> DemoJSON {
        let query = request["q"]?.string?.lowercased()
        let color = request["color"]?.int
        let limit = Int(clamping: request["limit"]?.int ?? 10)
        let matches = state.withLock { $0.items }
            .sorted { $0.key < $1.key }
            .map(\.value)
            .filter { item in
                if let query, !(item["name"]?.string?.lowercased().contains(query) ?? false) { return false }
                if let color, !(item["colors"]?.array?.contains(.int(color)) ?? false) { return false }
                return true
            }
        return .object(["items": .array(Array(matches.prefix(max(limit, 0)))), "total": .int(Int64(matches.count))])
    }

    private func find(_ selector: DemoJSON) -> DemoOutcome {
        let items = state.withLock { $0.items }.sorted { $0.key < $1.key }.map(\.value)
        let found: DemoJSON?
        let key: String
        if let id = selector["id"]?.int {
            found = items.first { $0["id"]?.int == id }
            key = String(id)
        } else if let name = selector["name"]?.string {
            found = items.first { $0["name"]?.string == name }
            key = name
        } else if let tags = selector["tags"]?.array {
            guard !tags.isEmpty else {
                return .exception(field: "invalid", value: invalid("selector.tags", "must not be empty"))
            }
            found = items.first { item in tags.allSatisfy { item["tags"]?.array?.contains($0) ?? false } }
            key = tags.compactMap(\.string).joined(separator: ",")
        } else {
            return .exception(field: "invalid", value: invalid("selector", "no field set"))
        }
        guard let found else {
            return .exception(
                field: "notFound",
                value: .object(["id": .string(key), "message": .string("nothing matches \(key)")])
            )
        }
        return .success(found)
    }

    private func notFound(_ id: Int64) -> DemoOutcome {
        .exception(field: "notFound", value: .object(["id": .string(String(id)), "message": .string("no item \(id)")]))
    }

    private func invalid(_ field: String, _ reason: String) -> DemoJSON {
        .object(["field": .string(field), "reason": .string(reason)])
    }

    /// Mirrors `seed_items` in Tests/Integration/servers/store_server.py.
    static let seedItems: [DemoJSON] = [
        .object([
            "id": .int(1), "name": .string("Widget"), "description": .string("A small widget"),
            "price": .object(["units": .int(12), "nanos": .int(500_000_000), "currency": .string("EUR")]),
            "status": .int(1), "tags": .array([.string("tools"), .string("small")]), "colors": .array([.int(1)]),
            "stock": .object(["berlin": .int(3), "paris": .int(0)]), "featured": .bool(true), "rating": .int(4),
            "shelf": .int(12), "weight": .double(0.25),
        ]),
        .object([
            "id": .int(2), "name": .string("Gadget"),
            "price": .object(["units": .int(99), "nanos": .int(0), "currency": .string("USD")]),
            "status": .int(1), "tags": .array([.string("tools")]), "colors": .array([.int(2), .int(4)]),
            "rating": .int(5), "shelf": .int(3), "weight": .double(1.5),
        ]),
        .object([
            "id": .int(3), "name": .string("Gizmo"), "status": .int(2), "tags": .array([.string("toys")]),
            "weight": .double(1.5),
        ]),
    ]
}
