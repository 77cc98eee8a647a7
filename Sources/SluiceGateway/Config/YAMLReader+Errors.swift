internal import SluiceThrift
internal import Yams

/// Positions and messages for Yams' parse errors.
func yamlErrorOrigin(_ error: any Error, file: String) -> ConfigOrigin {
    if let error = error as? YamlError {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _):
            return ConfigOrigin(file: file, line: mark.line, column: mark.column)
        case .duplicatedKeysInMapping(_, let context):
            return ConfigOrigin(file: file, line: context.mark.line, column: context.mark.column)
        default:
            break
        }
    }
    return ConfigOrigin(file: file, line: 1, column: 1)
}

func yamlErrorMessage(_ error: any Error) -> String {
    guard let error = error as? YamlError else { return "cannot read YAML: \(error)" }
    switch error {
    case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _):
        return "YAML syntax error: \(problem)"
    case .duplicatedKeysInMapping(let duplicates, _):
        return "duplicate key\(duplicates.count == 1 ? "" : "s") \(duplicates.map { "'\($0)'" }.joined(separator: ", "))"
    case .reader(let problem, _, _, _):
        return "cannot read YAML: \(problem)"
    default:
        return "cannot read YAML: \(error)"
    }
}
