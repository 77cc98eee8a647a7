internal import Foundation
internal import SluiceFlow

extension RouteValidation {
    /// Reads one Sentinel JSON rule file into `rules`, as Sentinel loads it: a rule that is invalid is dropped
    /// alone and noted (the configuration still loads), a file that cannot be read or parsed is an error.
    mutating func loadSentinelFile(_ reference: SentinelFileReference, into rules: inout FlowRulesConfiguration) {
        guard let data = FileManager.default.contents(atPath: reference.path) else {
            report(reference.origin.diagnostic("cannot read the Sentinel \(reference.kind.rawValue) rule file '\(reference.path)'"))
            return
        }
        let bytes = [UInt8](data)
        let dialect = reference.dialect
        switch reference.kind {
        case .flow:
            rules.flow += take(SentinelRuleFile.read(bytes, kind: .flow, dialect: dialect), from: reference)
        case .degrade:
            rules.degrade += take(SentinelRuleFile.read(bytes, kind: .degrade, dialect: dialect), from: reference)
        case .paramFlow:
            let read = take(SentinelRuleFile.read(bytes, kind: .paramFlow, dialect: dialect), from: reference)
            rules.param += read.map { ParamRuleConfiguration(rule: $0, source: Self.paramSource(of: $0)) }
        case .system:
            rules.system += take(SentinelRuleFile.read(bytes, kind: .system, dialect: dialect), from: reference)
        case .gatewayFlow:
            rules.gatewayFlow += take(SentinelRuleFile.read(bytes, kind: .gatewayFlow, dialect: dialect), from: reference)
        case .apiDefinitions:
            rules.apiDefinitions += take(SentinelRuleFile.read(bytes, kind: .apiDefinitions, dialect: dialect), from: reference)
        }
    }

    /// Java's `paramIdx` i is the called method's i-th argument, as Sentinel's RPC adapters pass arguments.
    /// sentinel-golang's `paramKey` names an entry attachment, which its HTTP adapters leave to the
    /// application; a gateway's per-request key-value pairs are its headers, so a `paramKey` reads that header.
    static func paramSource(of rule: ParamFlowRule) -> ParamSource {
        if let key = rule.paramKey { return .header(key.lowercased()) }
        return .argument(rule.paramIdx ?? 0)
    }

    /// The file's rules, with each problem reported at its position in the JSON file: an error when it
    /// rejected the file, a note when only a rule or a part of one was left out.
    private mutating func take<Rule>(_ read: SentinelRules<Rule>, from reference: SentinelFileReference) -> [Rule] {
        for problem in read.problems {
            let what = "\(problem.path): \(problem.reason)"
            func at(_ message: String) -> ConfigDiagnostic {
                ConfigDiagnostic(file: reference.path, line: problem.line, column: problem.column, message: message)
            }
            switch problem.effect {
            case .fileRejected: report(at("\(what) (no rule of this \(reference.kind.rawValue) file loads)"))
            case .ruleDropped: note(at("warning: \(what) (this rule is dropped, as Sentinel drops it)"))
            case .partIgnored: note(at("warning: \(what)"))
            }
        }
        return read.rules
    }
}
