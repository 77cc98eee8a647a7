/// An ``ApiDefinition`` compiled once when the rules load: does a request path belong to the API group?
/// Any predicate matching is enough (Sentinel's `AbstractApiMatcher.test`); blank patterns and groups are
/// skipped, as Spring Cloud Gateway's `WebExchangeApiMatcher` skips them.
public struct ApiPathMatcher: @unchecked Sendable {
    // @unchecked: `Regex` is immutable once built, but the stdlib does not declare it Sendable.
    private enum Predicate {
        case exact(String)
        case ant(String)
        case regex(Regex<AnyRegexOutput>)
    }

    public let apiName: String
    private let predicates: [Predicate]

    public init(_ definition: ApiDefinition) {
        apiName = definition.apiName
        var predicates: [Predicate] = []
        for case .path(let pattern, let strategy) in definition.predicateItems
        where !pattern.allSatisfy(\.isWhitespace) {
            switch strategy {
            case .exact:
                predicates.append(.exact(pattern))
            case .prefix:
                // Spring's AntRoutePathMatcher: only a pattern (`isPattern`) can match.
                if AntPathPattern.isPattern(pattern) { predicates.append(.ant(pattern)) }
            case .regex:
                // A pattern that does not compile matches nothing (Spring would fail the whole matcher).
                if let regex = try? Regex(pattern) {
                    _ = try? regex.wholeMatch(in: "")  // builds the program before event loops share it
                    predicates.append(.regex(regex))
                }
            }
        }
        self.predicates = predicates
    }

    public func matches(path: String) -> Bool {
        predicates.contains { predicate in
            switch predicate {
            case .exact(let pattern): return path == pattern
            case .ant(let pattern): return AntPathPattern.match(pattern, path)
            case .regex(let regex): return (try? regex.wholeMatch(in: path)) != nil
            }
        }
    }
}
