internal import SluiceFlow
internal import Yams

extension RouteFile {
    static let systemRuleKeys = ["qps", "concurrency", "avg_rt", "cpu_usage", "load"]

    /// `system:` (Sentinel's `SystemRule`): thresholds on all inbound traffic; at least one must be given.
    static func parseSystemRule(_ node: Node, reader: inout YAMLReader) -> SystemRule? {
        guard var fields = RuleFields(node, what: "'system'", allowed: systemRuleKeys, reader: &reader) else { return nil }
        let qps = fields.number("qps", least: 0, reader: &reader)
        let concurrency = fields.int("concurrency", range: 0...Int(Int32.max), reader: &reader)
        let avgRT = fields.milliseconds("avg_rt", reader: &reader)
        let cpu = fields.number("cpu_usage", least: 0, most: 1, reader: &reader)
        let load = fields.number("load", least: 0, reader: &reader)
        if systemRuleKeys.allSatisfy({ fields[$0] == nil }) {
            fields.fail(at: nil, "'system' needs at least one of: \(systemRuleKeys.joined(separator: ", "))", reader: &reader)
        }
        guard fields.valid else { return nil }
        return SystemRule(
            highestSystemLoad: load, highestCpuUsage: cpu, qps: qps, avgRt: avgRT.map(Int64.init),
            maxThread: concurrency.map(Int64.init))
    }
}
