import SluiceJSON

extension SentinelRuleKind where Rule == SystemRule {
    /// Java `SystemRule[]`, or sentinel-golang `system.Rule[]` (one metric per rule).
    public static var system: Self {
        Self(name: "system", java: SystemRuleJSON.java, go: SystemRuleJSON.go)
    }
}

enum SystemRuleJSON {
    /// Java's fields; -1 (or any negative) is "not set". A rule that sets nothing is dropped; a CPU ratio above 1
    /// is ignored (the rest of the rule loads), as `SystemRuleManager` does.
    static func java(_ reader: inout RuleFileReader) throws(JSONError) -> SystemRule? {
        var load: Double?, cpu: Double?, qps: Double?, avgRt: Int?, maxThread: Int?
        var cpuOffset = 0
        try reader.readObject { reader, key throws(JSONError) in
            switch key {
            case "highestSystemLoad": load = try reader.double()
            case "highestCpuUsage":
                cpuOffset = reader.scanner.offset
                cpu = try reader.double()
            case "qps": qps = try reader.double()
            case "avgRt": avgRt = try reader.int64()
            case "maxThread": maxThread = try reader.int64()
            default: try reader.skip()
            }
        }
        guard reader.fault == nil else { return nil }
        let rule = SystemRule(
            highestSystemLoad: load, highestCpuUsage: cpu, qps: qps, avgRt: avgRt.map(Int64.init),
            maxThread: maxThread.map(Int64.init))
        let cpuIgnored = (rule.highestCpuUsage ?? 0) > 1
        if rule.highestSystemLoad == nil, rule.highestCpuUsage == nil || cpuIgnored, rule.qps == nil,
            rule.avgRt == nil, rule.maxThread == nil
        {
            if cpuIgnored {
                reader.fail(field: "highestCpuUsage", "must be within [0, 1], and the rule sets nothing else")
            } else {
                reader.fail(field: "", "sets no threshold (all absent or negative)")
            }
            return nil
        }
        if cpuIgnored {
            reader.warn(field: "highestCpuUsage", at: cpuOffset, "must be within [0, 1]; the rule loads without it")
        }
        return rule
    }

    /// sentinel-golang's rule: `metricType` 0 load, 1 avg RT, 2 concurrency, 3 inbound QPS, 4 CPU usage, with
    /// `triggerCount`; Go passes while the value is `<` it, so QPS maps to `ceil(trigger)` and concurrency to
    /// `ceil(trigger) - 1` exactly, avg RT to `ceil(trigger)` (Go already blocks at exactly the trigger).
    /// Load is checked with BBR and CPU without, as in Java: Go's other combinations are faults on `strategy`.
    static func go(_ reader: inout RuleFileReader) throws(JSONError) -> SystemRule? {
        var metric = 0, trigger = 0.0, strategy = 0
        try reader.readObject { reader, key throws(JSONError) in
            switch key {
            case "metricType": metric = try reader.uint32() ?? metric
            case "triggerCount": trigger = try reader.double() ?? trigger
            case "strategy": strategy = try reader.int32() ?? strategy
            default: try reader.skip()
            }
        }
        guard reader.fault == nil else { return nil }
        if trigger < 0 { reader.fail(field: "triggerCount", "must be >= 0") }
        let bbr = strategy == 1
        let ceiling = Java.long(trigger.rounded(.up))
        switch metric {
        case 0:
            if !bbr { reader.fail(field: "strategy", "a load rule is checked with BBR (1) here, as in Java") }
            return reader.fault == nil ? SystemRule(highestSystemLoad: trigger) : nil
        case 1:
            return reader.fault == nil ? SystemRule(avgRt: ceiling) : nil
        case 2:
            if ceiling < 1 {
                reader.fail(field: "triggerCount", "a concurrency limit below 1 (blocking every call) is not supported")
            }
            return reader.fault == nil ? SystemRule(maxThread: ceiling - 1) : nil
        case 3:
            return reader.fault == nil ? SystemRule(qps: Double(ceiling)) : nil
        case 4:
            if trigger > 1 { reader.fail(field: "triggerCount", "a CPU usage must be within [0, 1]") }
            if bbr { reader.fail(field: "strategy", "CPU usage is checked without BBR here, as in Java") }
            return reader.fault == nil ? SystemRule(highestCpuUsage: trigger) : nil
        default:
            reader.fail(
                field: "metricType", "must be 0 (load), 1 (avg RT), 2 (concurrency), 3 (inbound QPS) or 4 (CPU usage)")
            return nil
        }
    }
}
