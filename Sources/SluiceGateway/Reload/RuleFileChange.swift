internal import Foundation
internal import Logging
internal import SluiceFlow
internal import Synchronization

/// What `PUT /admin/rules/<kind>` did.
enum RuleFileChange: Sendable {
    /// The file holds the new rules and the gateway runs them.
    case written(path: String, ReloadRecord)
    /// The new rules did not load: the file is back as it was, and `record` says why.
    case refused(path: String, ReloadRecord)
    /// Nothing was written: no such kind or file (404), no file to write, a choice to make or another change
    /// under way (409), or a body that is not a JSON array (400).
    case rejected(status: Int, code: String, message: String)
}

extension Gateway {
    /// Replaces the Sentinel JSON file that holds `kind` rules with `content` (in the file's dialect), then
    /// reloads. The change goes to the file the rules came from, so a restart keeps it, as Sentinel's writable
    /// file data source does; a change that does not load puts the old content back, so the file on disk and
    /// the rules the gateway runs never part. Rules written in route files' own sections are changed there.
    /// `file` picks among several files of the kind.
    func replaceRuleFile(kind: String, file: String?, content: Data) async -> RuleFileChange {
        let kinds = SentinelFileReference.Kind.allCases.map(\.rawValue)
        guard kinds.contains(kind) else {
            return .rejected(status: 404, code: "not_found", message: "no rule kind '\(kind)' (there are: \(kinds.joined(separator: ", ")))")
        }
        let sources = currentConfiguration.flowRules.sentinelFiles.filter { $0.kind == kind }
        let chosen: SentinelRuleFileSource
        if let file {
            let wanted = (file as NSString).standardizingPath
            guard let match = sources.first(where: { $0.path == wanted }) else {
                return .rejected(
                    status: 404, code: "not_found",
                    message: "no route file names \(file) for '\(kind)' rules (they name: \(Self.list(sources)))")
            }
            chosen = match
        } else if let only = sources.first, sources.count == 1 {
            chosen = only
        } else if sources.isEmpty {
            return .rejected(
                status: 409, code: "no_rule_file",
                message: "no Sentinel JSON file holds '\(kind)' rules: name one in a route file (sentinel: {\(kind): \(kind).json}); "
                    + "rules written in a route file's own sections are changed in that file")
        } else {
            return .rejected(
                status: 409, code: "choose_rule_file", message: "several files hold '\(kind)' rules: add ?file= with one of \(Self.list(sources))")
        }
        guard (try? JSONSerialization.jsonObject(with: content)) is [Any] else {
            return .rejected(status: 400, code: "bad_request", message: "the body must be a JSON array of Sentinel \(kind) rules")
        }
        // A file Sentinel would load with a rule dropped is refused here: who sends a rule means it to run.
        let problems = Self.problems(in: [UInt8](content), kind: kind, dialect: chosen.dialect).map { problem in
            "\(chosen.path):\(problem.line):\(problem.column): \(problem.path): \(problem.reason)"
        }
        if !problems.isEmpty {
            let record = ReloadRecord(
                trigger: "admin-rules", at: Date().timeIntervalSince1970, diagnostics: problems, routes: state.current.routes.count)
            return .refused(path: chosen.path, record)
        }
        let claimed = changingRules.withLock { busy in
            defer { busy = true }
            return !busy
        }
        guard claimed else {
            return .rejected(status: 409, code: "busy", message: "another rules change is under way; try again")
        }
        defer { changingRules.withLock { $0 = false } }
        let url = URL(fileURLWithPath: chosen.path)
        let previous = FileManager.default.contents(atPath: chosen.path)
        do {
            try content.write(to: url, options: .atomic)
        } catch {
            return .rejected(status: 409, code: "unwritable", message: "cannot write \(chosen.path): \(error.localizedDescription)")
        }
        let record = await reload(trigger: "admin-rules")
        guard record.succeeded else {
            if let previous { try? previous.write(to: url, options: .atomic) }
            return .refused(path: chosen.path, record)
        }
        logger.notice("rules changed", metadata: ["kind": "\(kind)", "file": "\(chosen.path)"])
        return .written(path: chosen.path, record)
    }

    /// What Sentinel's reader finds wrong in `bytes` as a `kind` file: empty when every rule would load whole.
    private static func problems(in bytes: [UInt8], kind: String, dialect: SentinelDialect) -> [SentinelRuleProblem] {
        switch SentinelFileReference.Kind(rawValue: kind) {
        case .flow: SentinelRuleFile.read(bytes, kind: .flow, dialect: dialect).problems
        case .degrade: SentinelRuleFile.read(bytes, kind: .degrade, dialect: dialect).problems
        case .paramFlow: SentinelRuleFile.read(bytes, kind: .paramFlow, dialect: dialect).problems
        case .system: SentinelRuleFile.read(bytes, kind: .system, dialect: dialect).problems
        case .gatewayFlow: SentinelRuleFile.read(bytes, kind: .gatewayFlow, dialect: dialect).problems
        case .apiDefinitions: SentinelRuleFile.read(bytes, kind: .apiDefinitions, dialect: dialect).problems
        case nil: []
        }
    }

    private static func list(_ sources: [SentinelRuleFileSource]) -> String {
        sources.isEmpty ? "none" : sources.map(\.path).joined(separator: ", ")
    }
}
