internal import SluiceClient
internal import Yams

/// Where each setting of a resilience block was written, by the field path the client's `validate()` errors
/// name (`retry.backoff.max`), so a value type's complaint lands on the node it is about.
struct PolicyFieldNodes {
    private var nodes: [String: (node: Node, spelled: String)] = [:]

    /// Records `node` as where `field` is written; `spelled` is the path as the file writes it when the
    /// client names it differently (`outlier.minimum_requests` is written `min_requests`).
    mutating func record(_ field: String, _ node: Node, spelled: String? = nil) {
        nodes[field] = (node, spelled ?? field)
    }

    /// `value` when `check` accepts it; otherwise its error is reported on the node of the field it names and
    /// the answer is nil.
    func validated<Value>(
        _ value: Value, fallback: Node, reader: inout YAMLReader, _ check: (Value) throws(PolicyError) -> Void
    ) -> Value? {
        do {
            try check(value)
            return value
        } catch {
            report(field: error.field, error.message, fallback: fallback, reader: &reader)
            return nil
        }
    }

    /// Reports `message` about `field` as `file:line:col: <field>: <why>`, at the field's node, or at the
    /// nearest enclosing one recorded (a default left out is reported at its block), else at `fallback`.
    func report(field: String, _ message: String, fallback: Node, reader: inout YAMLReader) {
        var path = Substring(field)
        while true {
            if let found = nodes[String(path)] {
                let spelled = path == Substring(field) ? found.spelled : field
                reader.error(at: found.node, "\(spelled): \(message)")
                return
            }
            guard let dot = path.lastIndex(of: ".") else { break }
            path = path[..<dot]
        }
        reader.error(at: fallback, "\(field): \(message)")
    }
}
