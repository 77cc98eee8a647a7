internal import SluiceClient
internal import Yams

extension YAMLReader {
    /// A finite number written as an integer or a decimal (`100`, `0.5`) in `least...most`; flow-control
    /// thresholds are doubles in Sentinel, so `count: 100` and `count: 99.5` both read.
    mutating func number(_ node: Node, what: String, least: Double, most: Double = .infinity) -> Double? {
        let tag = node.tag.description
        let value: Double? = switch tag {
        case Tag.Name.int.rawValue: node.int.map(Double.init)
        case Tag.Name.float.rawValue: node.float
        default: nil
        }
        guard node.scalar != nil, let value, value.isFinite, value >= least, value <= most else {
            let range = most.isFinite ? "in \(Self.text(least))...\(Self.text(most))" : ">= \(Self.text(least))"
            error(at: node, "\(what) must be a number \(range)")
            return nil
        }
        return value
    }

    /// `1.0` as `1`, so messages show the bounds as they would be written.
    private static func text(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : "\(value)"
    }
}

extension YAMLReader {
    /// One of a closed set of names (`grade: qps`), reporting the names it may be.
    mutating func choice<Value>(_ node: Node, what: String, among choices: [(name: String, value: Value)]) -> Value? {
        guard let text = string(node, what: what) else { return nil }
        guard let found = choices.first(where: { $0.name == text }) else {
            error(at: node, "unknown \(what) '\(text)' (expected one of: \(choices.map(\.name).joined(separator: ", ")))")
            return nil
        }
        return found.value
    }
}

extension YAMLReader {
    /// Any integer; the value type's `validate()` judges the range and names the field.
    mutating func integer(_ node: Node, what: String) -> Int? {
        guard node.scalar != nil, node.tag.description == Tag.Name.int.rawValue, let value = node.int else {
            error(at: node, "\(what) must be an integer")
            return nil
        }
        return value
    }

    /// The name among `known` a few edits from `name` (a third of its length, at least two), for did-you-mean
    /// hints; ties go to the earlier name.
    static func nearest(to name: String, among known: [String]) -> String? {
        let best = known.map { (name: $0, distance: editDistance($0, name)) }.min { $0.distance < $1.distance }
        guard let best, best.distance <= max(2, name.count / 3) else { return nil }
        return best.name
    }
}
