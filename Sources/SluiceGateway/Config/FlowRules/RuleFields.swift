internal import Yams

/// One flow-control rule's mapping, read key by key with the reader's checks. `valid` turns false at the first
/// problem reported, so a rule with any problem is not kept (every problem is still reported).
struct RuleFields {
    let node: Node
    /// `a flow rule`, for messages.
    let what: String
    private let fields: [String: (key: Node, value: Node)]
    private(set) var valid = true

    init?(_ node: Node, what: String, allowed: [String], reader: inout YAMLReader) {
        guard let fields = reader.fields(of: node, what: what, allowed: allowed) else { return nil }
        self.node = node
        self.what = what
        self.fields = fields
    }

    subscript(key: String) -> Node? { fields[key]?.value }

    /// Where `key`'s value is written, or the rule itself when `key` is absent.
    func position(of key: String?, reader: YAMLReader) -> ConfigOrigin {
        reader.origin(of: key.flatMap { fields[$0]?.value } ?? node)
    }

    mutating func fail(at key: String?, _ message: String, reader: inout YAMLReader) {
        reader.error(at: position(of: key, reader: reader), message)
        valid = false
    }

    /// `key`'s value, or a "needs" error at the rule.
    mutating func required(_ key: String, reader: inout YAMLReader) -> Node? {
        if let value = fields[key]?.value { return value }
        fail(at: nil, "\(what) needs '\(key)'", reader: &reader)
        return nil
    }

    /// Reads `key` with `parse` when it is present; nil when absent or (reported) invalid.
    mutating func read<Value>(_ key: String, reader: inout YAMLReader, _ parse: (Node, inout YAMLReader) -> Value?) -> Value? {
        guard let value = fields[key]?.value else { return nil }
        guard let parsed = parse(value, &reader) else {
            valid = false
            return nil
        }
        return parsed
    }

    /// Non-empty text on one line (resource names, header names, `limit_app`).
    mutating func text(_ key: String, reader: inout YAMLReader) -> String? {
        read(key, reader: &reader) { node, reader in
            guard let text = reader.string(node, what: "'\(key)'") else { return nil }
            guard !text.isEmpty, !text.utf8.contains(where: { $0 < 0x20 }) else {
                reader.error(at: node, "'\(key)' must be non-empty text on one line")
                return nil
            }
            return text
        }
    }

    mutating func number(_ key: String, least: Double, most: Double = .infinity, reader: inout YAMLReader) -> Double? {
        read(key, reader: &reader) { $1.number($0, what: "'\(key)'", least: least, most: most) }
    }

    mutating func int(_ key: String, range: ClosedRange<Int>, reader: inout YAMLReader) -> Int? {
        read(key, reader: &reader) { $1.int($0, what: "'\(key)'", range: range) }
    }

    mutating func milliseconds(_ key: String, reader: inout YAMLReader) -> Int? {
        read(key, reader: &reader) { $1.milliseconds($0, what: "'\(key)'") }
    }

    mutating func wholeSeconds(_ key: String, reader: inout YAMLReader) -> Int? {
        read(key, reader: &reader) { $1.wholeSeconds($0, what: "'\(key)'") }
    }

    mutating func choice<Value>(_ key: String, among choices: [(name: String, value: Value)], reader: inout YAMLReader) -> Value? {
        read(key, reader: &reader) { $1.choice($0, what: "'\(key)'", among: choices) }
    }

    /// Reports `key` when it is written but `applies` is false: a setting the rule would silently ignore.
    mutating func refuse(_ key: String, unless applies: Bool, _ why: String, reader: inout YAMLReader) {
        guard !applies, let written = fields[key] else { return }
        reader.error(at: written.key, "'\(key)' \(why)")
        valid = false
    }

    /// Reports a SluiceFlow `validate()` failure at the YAML key its field comes from (`keys` maps Sentinel's
    /// field names to the route file's), or at the rule.
    mutating func reject(field: String, reason: String, keys: [String: String], reader: inout YAMLReader) {
        let key = keys[field]
        fail(at: key.flatMap { fields[$0] == nil ? nil : $0 }, "\(what): '\(key ?? field)' \(reason)", reader: &reader)
    }
}
