/// The parameter values Sentinel's gateway adapter passes for what is not a request value.
public enum GatewayParam {
    /// The value of every rule without a `paramItem`: one bucket for the whole resource.
    public static let defaultValue = "$D"
    /// What a value that does not match the rule's pattern becomes; its exception lets it pass freely.
    public static let notMatched = "$NM"
    /// The threshold of the `$NM` exception (Sentinel's `generateNonMatchPassParamItem`).
    static let notMatchedCount = 10_000_000
}

/// A ``GatewayParamFlowItem``'s pattern, compiled once when the rules load (Sentinel's `GatewayRegexCache`).
/// `match` is `GatewayParamParser.parseWithMatchStrategyInternal`: the value when it matches, `$NM` when not.
struct GatewayParamMatcher: @unchecked Sendable {
    // @unchecked: `Regex` is immutable once built, but the stdlib does not declare it Sendable.
    private enum Kind {
        /// No pattern, prefix (unimplemented in Sentinel) or a regex that does not compile: the raw value.
        case raw
        case exact(String)
        case contains(String)
        case regex(Regex<AnyRegexOutput>)
    }

    private let kind: Kind

    init(_ item: GatewayParamFlowItem) {
        guard let pattern = item.pattern, !pattern.isEmpty else {
            kind = .raw
            return
        }
        switch item.matchStrategy {
        case .exact: kind = .exact(pattern)
        case .contains: kind = .contains(pattern)
        case .regex:
            if let regex = try? Regex(pattern) {
                // Builds the regex's program now, before event loops share it.
                _ = try? regex.wholeMatch(in: "")
                kind = .regex(regex)
            } else {
                kind = .raw
            }
        case .prefix: kind = .raw
        }
    }

    func match(_ value: String?) -> String? {
        guard let value else { return nil }
        switch kind {
        case .raw: return value
        case .exact(let pattern): return value == pattern ? value : GatewayParam.notMatched
        case .contains(let pattern): return value.contains(pattern) ? value : GatewayParam.notMatched
        case .regex(let regex): return (try? regex.wholeMatch(in: value)) != nil ? value : GatewayParam.notMatched
        }
    }
}
