internal import NIOCore
internal import Yams

extension YAMLReader {
    /// A positive duration such as `500ms` or `60s`.
    mutating func duration(_ node: Node, what: String) -> TimeAmount? {
        guard let text = string(node, what: what) else { return nil }
        guard let value = ConfigDuration.parse(text), value > .zero else {
            error(at: node, "bad duration '\(text)' for \(what) (expected a positive number with a unit: 500ms, 1s, 2m)")
            return nil
        }
        return value
    }

    /// A positive byte size such as `64KiB` or `8MiB`.
    mutating func size(_ node: Node, what: String) -> Int? {
        guard let text = string(node, what: what) else { return nil }
        guard let value = ConfigSize.parse(text), value > 0 else {
            error(at: node, "bad size '\(text)' for \(what) (expected a positive number with a unit: 512B, 64KiB, 8MiB, 1GiB)")
            return nil
        }
        return value
    }
}

extension YAMLReader {
    /// A positive duration in whole milliseconds (`500ms`, `2s`), as Sentinel's `*Ms` fields hold them.
    mutating func milliseconds(_ node: Node, what: String) -> Int? {
        whole(node, what: what, unit: 1_000_000, "\(what) must be a whole number of milliseconds")
    }

    /// A positive duration in whole seconds (`5s`, `1m`), as Sentinel's `*Sec` fields hold them.
    mutating func wholeSeconds(_ node: Node, what: String) -> Int? {
        whole(node, what: what, unit: 1_000_000_000, "\(what) must be a whole number of seconds (Sentinel counts it in seconds)")
    }

    private mutating func whole(_ node: Node, what: String, unit: Int64, _ problem: String) -> Int? {
        guard let value = duration(node, what: what) else { return nil }
        guard value.nanoseconds % unit == 0 else {
            error(at: node, problem)
            return nil
        }
        return Int(value.nanoseconds / unit)
    }
}
