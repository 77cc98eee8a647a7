import SluiceJSON

/// Whose JSON a rule file is in: Java Sentinel's (`FlowRule[]` ...) or sentinel-golang's (`flow.Rule[]` ...).
/// Gateway rules and API groups exist only in Java and are read as Java's whatever the dialect.
public enum SentinelDialect: String, Sendable, Hashable {
    case java
    case go
}

/// The rules one file held, and what did not load.
public struct SentinelRules<Rule: Sendable>: Sendable {
    public var rules: [Rule]
    public var problems: [SentinelRuleProblem]
}

/// Reads Sentinel's rule files as its datasources store them (a JSON array of rules) into the engine's rule
/// types, as Sentinel loads them: unknown keys are ignored, `null` means absent, and a rule that is invalid
/// (a value of the wrong type, out of range, or failing its `validate()`) is dropped alone with the reason,
/// its JSON path and line:column. A file that is malformed anywhere, or not an array, loads no rule (one
/// problem): Sentinel's parsers fail on it too. An empty file or `null` holds no rules. No input traps:
/// nesting is capped by the scanner, numbers are range-checked before they become rule values.
///
/// Numbers must be JSON numbers (not strings); integer fields take whole values only (`1.0` is 1, `1.5` a fault).
public enum SentinelRuleFile {
    public static func read<Rule>(
        _ bytes: [UInt8], kind: SentinelRuleKind<Rule>, dialect: SentinelDialect = .java
    ) -> SentinelRules<Rule> {
        bytes.withUnsafeBytes { all in
            // A UTF-8 byte order mark, as some editors write, is not JSON.
            let skipped = all.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
            let body = UnsafeRawBufferPointer(rebasing: all[skipped...])
            let positions = TextPositions(all)
            func problem(_ effect: SentinelRuleProblem.Effect, _ fault: RuleFault) -> SentinelRuleProblem {
                let offset = fault.offset + skipped
                let (line, column) = positions.lineColumn(of: offset)
                return SentinelRuleProblem(
                    effect: effect, path: fault.path, reason: fault.reason, offset: offset, line: line, column: column)
            }
            var reader = RuleFileReader(scanner: JSONScanner(bytes: body))
            var rules: [Rule] = []
            var problems: [SentinelRuleProblem] = []
            do throws(JSONError) {
                if reader.scanner.isAtEnd() { return SentinelRules(rules: [], problems: []) }
                if try reader.scanner.readNullIfPresent() {
                    try reader.scanner.finish()
                    return SentinelRules(rules: [], problems: [])
                }
                let kindFound = try reader.scanner.peekKind()
                guard kindFound == .array else {
                    if let error = reader.scanner.invalidLiteral() { throw error }
                    let article = kindFound == .object || kindFound == .array ? "an" : "a"
                    let reason = "a \(kind.name) rule file must be a JSON array of rules, not \(article) \(kindFound)"
                    let fault = RuleFault(path: "$", offset: reader.scanner.offset, reason: reason)
                    return SentinelRules(rules: [], problems: [problem(.fileRejected, fault)])
                }
                var cursor = try reader.scanner.beginArray()
                var index = 0
                while try reader.scanner.nextElement(&cursor) {
                    try reader.beginRule(index)
                    let found = try reader.scanner.peekKind()
                    if found != .object {
                        if let error = reader.scanner.invalidLiteral() { throw error }
                        reader.fail(field: "", "a rule must be an object, not \(found)")
                        try reader.skip()
                    } else if let rule = try kind.decode(&reader, dialect), reader.fault == nil {
                        rules.append(rule)
                        problems += reader.warnings.map { problem(.partIgnored, $0) }
                    }
                    if let fault = reader.fault { problems.append(problem(.ruleDropped, fault)) }
                    index += 1
                }
                try reader.scanner.finish()
            } catch {
                let fault = RuleFault(path: "$", offset: error.offset, reason: "not valid JSON: \(error.message)")
                return SentinelRules(rules: [], problems: [problem(.fileRejected, fault)])
            }
            return SentinelRules(rules: rules, problems: problems)
        }
    }
}

/// Which rules a file holds; `.flow`, `.degrade`, `.paramFlow`, `.system`, `.gatewayFlow`, `.apiDefinitions`.
public struct SentinelRuleKind<Rule: Sendable>: Sendable {
    /// As the route file's `sentinel:` key names it (`flow`, `param_flow` ...).
    public let name: String
    let decode: @Sendable (inout RuleFileReader, SentinelDialect) throws(JSONError) -> Rule?
}

extension SentinelRuleKind {
    /// The kind read by `java`, and in sentinel-golang's dialect by `go` (by `java` when Go has no format of its own).
    init(
        name: String, java: @escaping @Sendable (inout RuleFileReader) throws(JSONError) -> Rule?,
        go: (@Sendable (inout RuleFileReader) throws(JSONError) -> Rule?)? = nil
    ) {
        let go = go ?? java
        self.init(name: name) { reader, dialect throws(JSONError) in
            switch dialect {
            case .java: try java(&reader)
            case .go: try go(&reader)
            }
        }
    }
}
