/// One entry of a retry policy's `on` list: which failures may be retried.
public enum RetryCondition: Sendable, Hashable, CustomStringConvertible {
    case connectFailure
    case reset
    case timeout
    /// No endpoint took the call; also a gRPC UNAVAILABLE status.
    case unavailable
    /// `exception:Name`: a declared exception of that IDL name.
    case exception(String)
    /// `grpc:UNAVAILABLE` or `grpc:14`.
    case grpc(Int)
    /// `http:503`.
    case http(Int)
    /// `http:5xx`: any status of that hundred (4 or 5).
    case httpClass(Int)

    public func matches(_ kind: AttemptFailure.Kind) -> Bool {
        switch (self, kind) {
        case (.connectFailure, .connectFailure), (.reset, .reset), (.timeout, .timeout),
            (.unavailable, .unavailable):
            true
        // gRPC's own word for the same: the server (or a proxy before it) could not take the call.
        case (.unavailable, .grpc(14)): true
        case (.exception(let name), .exception(let thrown)): name == thrown
        case (.grpc(let code), .grpc(let status)): code == status
        case (.http(let wanted), .http(let status)): wanted == status
        case (.httpClass(let hundred), .http(let status)): status / 100 == hundred
        default: false
        }
    }

    public var description: String {
        switch self {
        case .connectFailure: "connect_failure"
        case .reset: "reset"
        case .timeout: "timeout"
        case .unavailable: "unavailable"
        case .exception(let name): "exception:\(name)"
        case .grpc(let code): "grpc:\(GRPCCodeNames.name(of: code) ?? String(code))"
        case .http(let status): "http:\(status)"
        case .httpClass(let hundred): "http:\(hundred)xx"
        }
    }
}

/// A retry condition that could not be read; names the entry and the nearest valid spelling.
public struct RetryConditionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The entry as written.
    public var entry: String
    /// The closest valid entry, when one is near enough to be a likely typo.
    public var suggestion: String?

    public var description: String {
        let hint = suggestion.map { " (did you mean '\($0)'?)" } ?? ""
        return "unknown retry condition '\(entry)'\(hint); expected connect_failure, reset, timeout, unavailable, "
            + "exception:<Name>, grpc:<CODE or 1-16>, http:<400-599> or http:4xx/5xx"
    }
}

extension RetryCondition {
    static let keywords: [(text: String, condition: RetryCondition)] = [
        ("connect_failure", .connectFailure), ("reset", .reset), ("timeout", .timeout), ("unavailable", .unavailable),
    ]

    /// Parses one `on` entry as the route file spells it.
    public init(parsing entry: String) throws(RetryConditionError) {
        if let keyword = Self.keywords.first(where: { $0.text == entry }) {
            self = keyword.condition
            return
        }
        if let parsed = Self.prefixed(entry) {
            self = parsed
            return
        }
        throw RetryConditionError(entry: entry, suggestion: Self.nearest(to: entry))
    }

    private static func prefixed(_ entry: String) -> RetryCondition? {
        guard let colon = entry.firstIndex(of: ":") else { return nil }
        let value = String(entry[entry.index(after: colon)...])
        switch entry[..<colon] {
        case "exception":
            guard !value.isEmpty, !value.contains(where: { $0.isWhitespace || $0 == ":" }) else { return nil }
            return .exception(value)
        case "grpc":
            guard let code = GRPCCodeNames.code(named: value.uppercased()) ?? Int(value), (1...16).contains(code)
            else { return nil }
            return .grpc(code)
        case "http":
            let lowered = value.lowercased()
            if lowered == "4xx" || lowered == "5xx", let hundred = lowered.first?.wholeNumberValue {
                return .httpClass(hundred)
            }
            guard value.utf8.count == 3, let status = Int(value), (400...599).contains(status) else { return nil }
            return .http(status)
        default:
            return nil
        }
    }

    /// The valid spelling closest to `entry`, when within a third of its length (at least two edits):
    /// keywords, every gRPC code name, the HTTP classes, and an `exception:` prefix kept with its name. Ties
    /// go to the earlier candidate in that order.
    static func nearest(to entry: String) -> String? {
        var candidates = keywords.map(\.text) + GRPCCodeNames.all.map { "grpc:\($0.name)" } + ["http:5xx", "http:4xx"]
        if let colon = entry.firstIndex(of: ":") {
            let value = entry[entry.index(after: colon)...]
            if !value.isEmpty { candidates.append("exception:\(value)") }
            if value.utf8.count == 3, let status = Int(value), (400...599).contains(status) {
                candidates.append("http:\(status)")
            }
        }
        let best = candidates.map { (candidate: $0, distance: editDistance($0, entry)) }
            .min { $0.distance < $1.distance }
        guard let best, best.distance <= max(2, entry.count / 3) else { return nil }
        return best.candidate
    }
}

/// gRPC status code names (grpc/doc/statuscodes.md), for reading and writing `grpc:` conditions (here and in
/// the gateway's circuit-breaker outcomes). OK is not a failure, so it is absent.
package enum GRPCCodeNames {
    package static let all: [(name: String, code: Int)] = [
        ("CANCELLED", 1), ("UNKNOWN", 2), ("INVALID_ARGUMENT", 3), ("DEADLINE_EXCEEDED", 4), ("NOT_FOUND", 5),
        ("ALREADY_EXISTS", 6), ("PERMISSION_DENIED", 7), ("RESOURCE_EXHAUSTED", 8), ("FAILED_PRECONDITION", 9),
        ("ABORTED", 10), ("OUT_OF_RANGE", 11), ("UNIMPLEMENTED", 12), ("INTERNAL", 13), ("UNAVAILABLE", 14),
        ("DATA_LOSS", 15), ("UNAUTHENTICATED", 16),
    ]

    package static func code(named name: String) -> Int? { all.first { $0.name == name }?.code }
    package static func name(of code: Int) -> String? { all.first { $0.code == code }?.name }
}
