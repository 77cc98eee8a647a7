internal import SluiceFlow
internal import Yams

extension RouteFile {
    /// Top-level keys of the flow-control sections (issue 13).
    static let flowSectionKeys = ["flow", "circuit_breakers", "param_flow", "system", "sentinel", "flow_origin"]

    /// Parses a route file's flow-control sections; every problem goes to `reader`.
    static func parseFlowSections(
        _ top: [String: (key: Node, value: Node)], directory: String, reader: inout YAMLReader
    ) -> FlowRulesDraft {
        var draft = FlowRulesDraft()
        if let field = top["flow"], let list = reader.sequence(field.value, what: "'flow'") {
            for node in list { parseFlowRule(node, into: &draft, reader: &reader) }
        }
        if let field = top["circuit_breakers"], let list = reader.sequence(field.value, what: "'circuit_breakers'") {
            for node in list { parseCircuitBreaker(node, into: &draft, reader: &reader) }
        }
        if let field = top["param_flow"], let list = reader.sequence(field.value, what: "'param_flow'") {
            for node in list { parseParamFlowRule(node, into: &draft, reader: &reader) }
        }
        if let field = top["system"], let rule = parseSystemRule(field.value, reader: &reader) {
            draft.rules.system.append(rule)
        }
        if let field = top["sentinel"] {
            draft.sentinelFiles = parseSentinelFiles(field.value, directory: directory, reader: &reader)
        }
        if let field = top["flow_origin"], let source = parseOriginSource(field.value, reader: &reader) {
            // The file's default: each resource of its flow rules that none of them gives a source of its own.
            let origin = reader.origin(of: field.value)
            var claimed = Set(draft.originClaims.map(\.resource))
            for rule in draft.rules.flow where claimed.insert(rule.resource).inserted {
                draft.originClaims.append(FlowRulesDraft.OriginClaim(resource: rule.resource, source: source, origin: origin))
            }
        }
        return draft
    }

    /// `{header: name}` or `{client_ip: true}`.
    static func parseOriginSource(_ node: Node, reader: inout YAMLReader) -> OriginSource? {
        let what = "'flow_origin'"
        guard let fields = reader.fields(of: node, what: what, allowed: ["header", "client_ip"]) else { return nil }
        guard fields.count == 1 else {
            reader.error(at: node, "\(what) must have exactly one of 'header' or 'client_ip'")
            return nil
        }
        if let header = fields["header"] {
            guard let name = reader.string(header.value, what: "'header'") else { return nil }
            guard isHeaderName(name) else {
                reader.error(at: header.value, "'header' must be a header name, not '\(name)'")
                return nil
            }
            return .header(name.lowercased())
        }
        guard let clientIP = fields["client_ip"], let on = reader.bool(clientIP.value, what: "'client_ip'") else { return nil }
        guard on else {
            reader.error(at: clientIP.value, "'client_ip' must be true (leave 'flow_origin' out for the default header)")
            return nil
        }
        return .clientIP
    }

    /// `resource:`, required and recorded so that validation can check that it names a route, method or API group.
    static func ruleResource(_ fields: inout RuleFields, into draft: inout FlowRulesDraft, reader: inout YAMLReader) -> String? {
        guard fields.required("resource", reader: &reader) != nil, let resource = fields.text("resource", reader: &reader) else {
            return nil
        }
        // A blank name is the rule's own `validate()` error; it is not also an unknown resource.
        if !resource.allSatisfy(\.isWhitespace) {
            draft.resources.append(.init(name: resource, origin: fields.position(of: "resource", reader: reader)))
        }
        return resource
    }
}

/// Header names as HTTP allows them (RFC 9110 §5.1: a token); rules keep them lower-cased, as HTTP/2 sends them.
func isHeaderName(_ name: String) -> Bool {
    !name.isEmpty && name.utf8.allSatisfy(HTTP1ResponseSerializer.isTokenByte)
}
