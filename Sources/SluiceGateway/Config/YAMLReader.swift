internal import SluiceThrift
internal import Yams

/// Reads a composed YAML tree with positions, collecting every problem as a diagnostic instead of
/// stopping at the first one.
struct YAMLReader {
    let file: String
    private(set) var diagnostics: [ConfigDiagnostic] = []

    init(file: String) { self.file = file }

    func origin(of node: Node) -> ConfigOrigin {
        let mark = node.mark
        return ConfigOrigin(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1)
    }

    mutating func error(at node: Node, _ message: String) {
        diagnostics.append(origin(of: node).diagnostic(message))
    }

    mutating func error(at origin: ConfigOrigin, _ message: String) {
        diagnostics.append(origin.diagnostic(message))
    }

    /// The pairs of a mapping whose keys are all plain strings from `allowed`; other keys are reported, with the
    /// nearest allowed key when `suggesting` and one is a likely typo.
    mutating func fields(
        of node: Node, what: String, allowed: [String], suggesting: Bool = false
    ) -> [String: (key: Node, value: Node)]? {
        guard let mapping = node.mapping else {
            error(at: node, "\(what) must be a mapping")
            return nil
        }
        var result: [String: (key: Node, value: Node)] = [:]
        for (key, value) in mapping {
            guard let name = key.scalar?.string else {
                error(at: key, "\(what) keys must be strings")
                continue
            }
            guard allowed.contains(name) else {
                let hint = suggesting ? Self.nearest(to: name, among: allowed).map { "did you mean '\($0)'? " } ?? "" : ""
                error(at: key, "unknown key '\(name)' in \(what) (\(hint)expected one of: \(allowed.joined(separator: ", ")))")
                continue
            }
            result[name] = (key, value)
        }
        return result
    }

    /// A scalar's text; quoted or plain, any resolved tag except null.
    mutating func string(_ node: Node, what: String) -> String? {
        guard let scalar = node.scalar, node.tag.description != Tag.Name.null.rawValue else {
            error(at: node, "\(what) must be a string")
            return nil
        }
        return scalar.string
    }

    mutating func bool(_ node: Node, what: String) -> Bool? {
        guard node.scalar != nil, node.tag.description == Tag.Name.bool.rawValue, let value = node.bool else {
            error(at: node, "\(what) must be true or false")
            return nil
        }
        return value
    }

    mutating func int(_ node: Node, what: String, range: ClosedRange<Int>) -> Int? {
        guard node.scalar != nil, node.tag.description == Tag.Name.int.rawValue, let value = node.int, range.contains(value) else {
            error(at: node, "\(what) must be an integer in \(range.lowerBound)...\(range.upperBound)")
            return nil
        }
        return value
    }

    mutating func sequence(_ node: Node, what: String) -> [Node]? {
        guard let sequence = node.sequence else {
            error(at: node, "\(what) must be a list")
            return nil
        }
        return Array(sequence)
    }

    /// A `{name: value}` mapping of strings, in file order, with the key's node for positions.
    mutating func stringPairs(_ node: Node, what: String) -> [(key: Node, name: String, value: Node, text: String)]? {
        guard let mapping = node.mapping else {
            error(at: node, "\(what) must be a mapping")
            return nil
        }
        var result: [(key: Node, name: String, value: Node, text: String)] = []
        for (key, value) in mapping {
            guard let name = string(key, what: "a key in \(what)"), let text = string(value, what: "the value of '\(name)' in \(what)")
            else { continue }
            result.append((key, name, value, text))
        }
        return result
    }
}
