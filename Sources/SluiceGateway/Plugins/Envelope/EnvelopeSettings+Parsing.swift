internal import Yams

extension PluginReader {
    static let envelopeKeys = ["fields", "success_code", "success_message", "errors"]
    /// The kinds an error table may name, besides `exception:<Name>`, `grpc:<CODE>` and the gateway's own codes.
    static let envelopeKinds = [
        "bad_request", "not_found", "method_not_allowed", "unauthorized", "forbidden", "flow_blocked", "circuit_open",
        "upstream_unavailable", "upstream_timeout", "upstream_error", "default",
    ]
    static let gatewayCodes = [
        "invalid_argument", "invalid_json", "wrong_type", "missing_required_field", "out_of_range", "invalid_union", "unknown_field",
        "too_deep", "invalid_value", "route_not_found", "request_timeout", "payload_too_large", "unsupported_media_type",
        "upgrade_required", "header_fields_too_large", "internal_error", "not_implemented", "bad_gateway", "application_exception",
        "unavailable", "gateway_timeout",
    ]

    mutating func envelope(_ node: Node) -> EnvelopeSettings? {
        var settings = EnvelopeSettings()
        settings.origin = reader.origin(of: node)
        // `envelope: {}` takes every default.
        guard let fields = reader.fields(of: node, what: "'envelope'", allowed: Self.envelopeKeys, suggesting: true) else { return nil }
        var valid = true
        if let field = fields["fields"] {
            if let names = reader.fields(of: field.value, what: "'fields'", allowed: ["code", "message", "data"]) {
                var chosen: [String] = []
                for (key, value) in names {
                    guard let name = reader.string(value.value, what: "'fields.\(key)'"), !name.isEmpty else {
                        valid = false
                        continue
                    }
                    switch key {
                    case "code": settings.codeField = name
                    case "message": settings.messageField = name
                    default: settings.dataField = name
                    }
                    chosen.append(name)
                }
                if Set([settings.codeField, settings.messageField, settings.dataField]).count < 3 {
                    reader.error(at: field.value, "'fields' must name three different keys")
                    valid = false
                }
            } else {
                valid = false
            }
        }
        if let field = fields["success_code"] {
            if let code = reader.integer(field.value, what: "'success_code'") { settings.successCode = Int64(code) } else { valid = false }
        }
        if let field = fields["success_message"] {
            if let text = reader.string(field.value, what: "'success_message'") { settings.successMessage = text } else { valid = false }
        }
        if let field = fields["errors"] {
            guard let mapping = field.value.mapping else {
                reader.error(at: field.value, "'errors' must be a mapping of error kind to {code, status}")
                return nil
            }
            for (keyNode, value) in mapping {
                guard let key = reader.string(keyNode, what: "an error kind") else {
                    valid = false
                    continue
                }
                let known = Self.envelopeKinds.contains(key) || Self.gatewayCodes.contains(key)
                    || (key.hasPrefix("exception:") && key.count > 10) || (key.hasPrefix("grpc:") && GRPCStatusName.names.contains(String(key.dropFirst(5))))
                guard known else {
                    let hint = YAMLReader.nearest(to: key, among: Self.envelopeKinds).map { "did you mean '\($0)'? " } ?? ""
                    reader.error(
                        at: keyNode,
                        "unknown error kind '\(key)' (\(hint)expected exception:<Name>, grpc:<CODE>, a gateway error code, or one of: \(Self.envelopeKinds.joined(separator: ", ")))")
                    valid = false
                    continue
                }
                guard let entry = reader.fields(of: value, what: "the mapping of '\(key)'", allowed: ["code", "status"]) else {
                    valid = false
                    continue
                }
                guard let codeField = entry["code"] else {
                    reader.error(at: value, "the mapping of '\(key)' needs 'code'")
                    valid = false
                    continue
                }
                guard let code = reader.integer(codeField.value, what: "'code'") else {
                    valid = false
                    continue
                }
                var status: Int?
                if let statusField = entry["status"] {
                    guard let value = reader.int(statusField.value, what: "'status'", range: 200...599) else {
                        valid = false
                        continue
                    }
                    status = value
                }
                settings.errors[key] = EnvelopeSettings.Mapping(code: Int64(code), status: status)
            }
        }
        return valid ? settings : nil
    }
}
