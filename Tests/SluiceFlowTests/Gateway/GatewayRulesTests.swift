import Testing
@testable import SluiceFlow

/// A request's parts as an ingress would hand them over.
struct FakeRequest: GatewayRequestItems {
    var remoteAddress: String? = "10.0.0.1"
    var headers: [String: String] = [:]
    var query: [String: String] = [:]
    var cookies: [String: String] = [:]
    func header(_ name: String) -> String? { headers[name] }
    func urlParam(_ name: String) -> String? { query[name] }
    func cookie(_ name: String) -> String? { cookies[name] }
}

/// Sentinel's API-gateway adapter vectors (reference §7.6, §9).
@Suite("GatewayRules")
struct GatewayRulesTests {
    func field(_ rule: GatewayFlowRule) -> String? {
        do { try rule.validate(); return nil } catch { return error.field }
    }

    @Test("GatewayRuleManagerTest.testIsValidRule")
    func validation() {
        #expect(field(GatewayFlowRule(resource: "", count: 10)) == "resource")
        #expect(field(GatewayFlowRule(resource: "r", count: 10, intervalSec: 0)) == "intervalSec")
        #expect(field(GatewayFlowRule(resource: "r", count: 10,
                                      paramItem: GatewayParamFlowItem(parseStrategy: .urlParam))) == "paramItem.fieldName")
        #expect(GatewayParamMatchStrategy(rawValue: -1) == nil)  // a pattern with matchStrategy -1 cannot load
        #expect(field(GatewayFlowRule(resource: "r", count: 10)) == nil)
        #expect(field(GatewayFlowRule(resource: "r", count: 10, paramItem: GatewayParamFlowItem())) == nil)
        #expect(field(GatewayFlowRule(resource: "r", count: 10, paramItem: GatewayParamFlowItem(
            parseStrategy: .clientIP, fieldName: "Origin", pattern: "def", matchStrategy: .regex))) == nil)
        #expect(field(GatewayFlowRule(resource: "r", count: -1)) == "count")
        #expect(field(GatewayFlowRule(resource: "r", count: 1, burst: -1)) == "burst")
    }

    @Test("GatewayRuleConverterTest: fields carried over; indices per resource from 0; $NM exception with a pattern")
    func conversion() {
        let item = GatewayParamFlowItem(parseStrategy: .header, fieldName: "X-User", pattern: "vip")
        let rules = [
            GatewayFlowRule(resource: "a", count: 10),
            GatewayFlowRule(resource: "a", count: 7, intervalSec: 3, behavior: .throttle, burst: 2,
                            maxQueueingTimeoutMs: 100, paramItem: item),
            GatewayFlowRule(resource: "a", grade: .thread, count: 4, paramItem: GatewayParamFlowItem()),
            GatewayFlowRule(resource: "b", count: 1, paramItem: GatewayParamFlowItem()),
            GatewayFlowRule(resource: "a", count: 1, intervalSec: 0),  // invalid: dropped
        ]
        let a = GatewayResourceRules(resource: "a", rules: rules)
        #expect(a.paramRules.map(\.paramIdx) == [0, 1, 2])
        let first = a.paramRules[0]
        #expect(first.count == 7 && first.durationInSec == 3 && first.burstCount == 2 && first.behavior == .throttle
                && first.maxQueueingTimeMs == 100 && first.grade == .qps)
        #expect(first.items == [ParamFlowItem(value: "$NM", count: 10_000_000)])
        #expect(a.paramRules[1].grade == .thread && a.paramRules[1].items.isEmpty)
        #expect(a.paramRules[2].count == 10 && a.paramRules[2].durationInSec == 1)
        let b = GatewayResourceRules(resource: "b", rules: rules)
        #expect(b.paramRules.map(\.paramIdx) == [0])
    }

    @Test("GatewayParamParserTest: only non-param rules → [$D]; five parts at their indices then $D; mode mismatch → []")
    func parameters() {
        let onlyPlain = GatewayResourceRules(resource: "r", rules: [GatewayFlowRule(resource: "r", count: 5),
                                                                    GatewayFlowRule(resource: "r", count: 9)])
        #expect(onlyPlain.parameters(for: FakeRequest(), mode: .routeID) == ["$D"])
        let rules = [
            GatewayFlowRule(resource: "r", count: 5, paramItem: GatewayParamFlowItem(parseStrategy: .clientIP)),
            GatewayFlowRule(resource: "r", count: 5,
                            paramItem: GatewayParamFlowItem(parseStrategy: .header, fieldName: "X-Sentinel-Flag")),
            GatewayFlowRule(resource: "r", count: 5,
                            paramItem: GatewayParamFlowItem(parseStrategy: .urlParam, fieldName: "p")),
            GatewayFlowRule(resource: "r", count: 5, paramItem: GatewayParamFlowItem(parseStrategy: .host)),
            GatewayFlowRule(resource: "r", count: 5,
                            paramItem: GatewayParamFlowItem(parseStrategy: .cookie, fieldName: "c", pattern: "")),
            GatewayFlowRule(resource: "r", count: 10),
        ]
        let request = FakeRequest(remoteAddress: "1.2.3.4", headers: ["X-Sentinel-Flag": "flag", "Host": "example.com"],
                                  query: ["p": "42"], cookies: ["c": "crumb"])
        let converted = GatewayResourceRules(resource: "r", rules: rules)
        #expect(converted.parameters(for: request, mode: .routeID) == ["1.2.3.4", "flag", "42", "example.com", "crumb", "$D"])
        #expect(converted.parameters(for: request, mode: .customAPIName) == [])
        #expect(converted.parameters(for: FakeRequest(remoteAddress: nil), mode: .routeID)
                == [nil, nil, nil, nil, nil, "$D"])
        #expect(GatewayResourceRules(resource: "x", rules: rules).parameters(for: request, mode: .routeID) == [])
    }

    @Test("GatewayParamParserTest: exact \"Wow\" on Wow_foo → $NM; contains \"warn\" keeps warn_foo; regex \\d+ keeps 23")
    func matchStrategies() {
        func value(_ pattern: String, _ strategy: GatewayParamMatchStrategy, _ header: String) -> String? {
            let item = GatewayParamFlowItem(parseStrategy: .header, fieldName: "h", pattern: pattern, matchStrategy: strategy)
            let rules = GatewayResourceRules(resource: "r", rules: [GatewayFlowRule(resource: "r", count: 1, paramItem: item)])
            return rules.parameters(for: FakeRequest(headers: ["h": header]), mode: .routeID).first ?? nil
        }
        #expect(value("Wow", .exact, "Wow_foo") == "$NM")
        #expect(value("Wow", .exact, "Wow") == "Wow")
        #expect(value("warn", .contains, "warn_foo") == "warn_foo")
        #expect(value("warn", .contains, "foo") == "$NM")
        #expect(value(#"\d+"#, .regex, "23") == "23")
        #expect(value(#"\d+"#, .regex, "23a") == "$NM")  // a whole match, as Java's matches()
        #expect(value("/p", .prefix, "/q") == "/q")  // prefix is not implemented for params in Sentinel
        #expect(value("(", .regex, "x") == "x")  // a pattern that does not compile limits the raw value
    }

    @Test("end to end: per-value buckets, non-matching values pass freely, a missing value passes, $D is one bucket")
    func checking() {
        let rules = [
            GatewayFlowRule(resource: "r", count: 2, paramItem: GatewayParamFlowItem(
                parseStrategy: .header, fieldName: "X-User", pattern: "u", matchStrategy: .contains)),
            GatewayFlowRule(resource: "r", count: 5, intervalSec: 2, burst: 1),
        ]
        let checker = GatewayFlowChecker(rules: GatewayResourceRules(resource: "r", rules: rules))
        func pass(_ user: String?, at now: Int64) -> Bool {
            let request = FakeRequest(headers: user.map { ["X-User": $0] } ?? [:])
            return checker.check(checker.rules.parameters(for: request, mode: .routeID), now: now).passed
        }
        #expect(pass("u1", at: 0) && pass("u1", at: 0))
        #expect(!pass("u1", at: 0))  // u1's bucket of 2 is empty
        #expect(pass("u2", at: 0))  // u2 has its own; $D now at 3 of 6 (count 5 + burst 1)
        #expect(pass("admin", at: 0) && pass(nil, at: 0) && pass(nil, at: 0))  // $NM and missing: only $D counts
        #expect(!pass("zz", at: 0))  // $D's bucket of 6 is empty
        #expect(!pass(nil, at: 2000))  // no refill until more than intervalSec has passed
        #expect(pass(nil, at: 2001))
    }

    @Test("a thread-grade rule lets go of a value when a later rule blocks the call or it completes")
    func threadRelease() {
        let rules = [
            GatewayFlowRule(resource: "r", grade: .thread, count: 1, paramItem: GatewayParamFlowItem()),
            GatewayFlowRule(resource: "r", count: 1),
        ]
        let checker = GatewayFlowChecker(rules: GatewayResourceRules(resource: "r", rules: rules))
        let parameters = checker.rules.parameters(for: FakeRequest(), mode: .routeID)
        #expect(checker.check(parameters, now: 0) == .pass)
        checker.complete(parameters)
        #expect(checker.check(parameters, now: 0) == .block)  // $D is spent, and the IP is let go
        #expect(checker.check(parameters, now: 1001) == .pass)
        #expect(checker.check(parameters, now: 5000) == .block)  // the IP is in flight
    }
}

@Suite("ApiDefinition")
struct ApiDefinitionTests {
    @Test("GatewayApiDefinitionManagerTest: an API needs a non-blank name")
    func validation() {
        #expect(throws: ApiDefinition.ValidationError.self) { try ApiDefinition(apiName: " ", predicateItems: []).validate() }
        #expect(throws: Never.self) { try ApiDefinition(apiName: "a", predicateItems: []).validate() }
    }

    @Test("path matching: exact, whole regex, Ant prefix patterns; a prefix without a wildcard never matches")
    func matching() {
        let api = ApiPathMatcher(ApiDefinition(apiName: "shop", predicateItems: [
            .path(pattern: "/getUserModel", matchStrategy: .exact),
            .path(pattern: "/product/**", matchStrategy: .prefix),
            .path(pattern: "/plain", matchStrategy: .prefix),
            .path(pattern: #"/order/\d+"#, matchStrategy: .regex),
            .path(pattern: "/img/*.png", matchStrategy: .prefix),
            .path(pattern: "/u/{id}/x", matchStrategy: .prefix),
            .group([.path(pattern: "/grouped", matchStrategy: .exact)]),
            .path(pattern: " ", matchStrategy: .exact),
        ]))
        for path in ["/getUserModel", "/product", "/product/1", "/product/1/2/", "/order/17", "/img/a.png", "/u/7/x"] {
            #expect(api.matches(path: path), "\(path)")
        }
        for path in ["/getUserModel/", "/plain", "/plain/1", "/order/17x", "/img/a/b.png", "/img/a.jpg", "/grouped",
                     " ", "/productx", "product/1"] {
            #expect(!api.matches(path: path), "\(path)")
        }
        #expect(AntPathPattern.isPattern("/a/{id}") && !AntPathPattern.isPattern("/a/b"))
        #expect(AntPathPattern.match("/a/**/z", "/a/z") && AntPathPattern.match("/a/**/z", "/a/b/c/z"))
        #expect(!AntPathPattern.match("/a/*", "/a/b/c") && AntPathPattern.match("/a/?c", "/a/bc"))
    }
}
