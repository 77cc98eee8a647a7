import Foundation
import NIOCore
import SluiceFlow
import Testing
@testable import SluiceGateway

@Suite("GET /admin/rules")
struct AdminRulesViewTests {
    @Test("each kind in Sentinel's JSON field names, as its dashboard and rule files write them")
    func sentinelFields() throws {
        var rules = FlowRulesConfiguration()
        rules.flow = [FlowRule(resource: "say", limitApp: "app-a", count: 10, behavior: .warmUp, warmUpPeriodSec: 5)]
        rules.degrade = [DegradeRule(resource: "say", grade: .errorCount, count: 3, timeWindowSec: 10)]
        rules.param = [ParamRuleConfiguration(
            rule: ParamFlowRule(resource: "say", count: 2, items: [ParamFlowItem(value: "vip", count: 50)]), source: .header("x-user"))]
        rules.system = [SystemRule(qps: 1000)]
        rules.sentinelFiles = [SentinelRuleFileSource(kind: "flow", path: "/etc/sluice/flow.json", dialect: .java)]
        let text = String(buffer: AdminRulesView.json(rules).bytes)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let flow = try #require((document["flow"] as? [[String: Any]])?.first)
        #expect(flow["resource"] as? String == "say" && flow["limitApp"] as? String == "app-a")
        #expect(flow["grade"] as? Int == 1 && flow["count"] as? Double == 10 && flow["controlBehavior"] as? Int == 1)
        #expect(flow["warmUpPeriodSec"] as? Int == 5 && flow["strategy"] as? Int == 0 && flow["refResource"] is NSNull)
        let degrade = try #require((document["degrade"] as? [[String: Any]])?.first)
        #expect(degrade["grade"] as? Int == 2 && degrade["count"] as? Double == 3 && degrade["timeWindow"] as? Int == 10)
        let param = try #require((document["param_flow"] as? [[String: Any]])?.first)
        #expect(param["param"] as? [String: String] == ["header": "x-user"])
        #expect((param["paramFlowItemList"] as? [[String: Any]])?.first?["object"] as? String == "vip")
        let system = try #require((document["system"] as? [[String: Any]])?.first)
        #expect(system["qps"] as? Double == 1000 && system["highestSystemLoad"] is NSNull)
        #expect(document["gateway_flow"] as? [Any] == nil || (document["gateway_flow"] as? [Any])?.isEmpty == true)
        #expect(document["sources"] as? [[String: String]] == [["kind": "flow", "path": "/etc/sluice/flow.json", "dialect": "java"]])
    }
}
