internal import SluiceProtobuf
internal import Yams

extension RouteFile {
    static func parseRoute(_ node: Node, directory: String, reader: inout YAMLReader) -> RouteDraft? {
        guard let fields = reader.fields(of: node, what: "a route", allowed: routeKeys) else { return nil }
        var valid = true
        func required(_ key: String) -> (key: Node, value: Node)? {
            if let field = fields[key] { return field }
            reader.error(at: node, "a route needs '\(key)'")
            valid = false
            return nil
        }
        var name: String?
        if let field = fields["name"], let text = reader.string(field.value, what: "'name'") {
            if text.isEmpty || text.utf8.contains(where: { $0 < 0x20 }) {
                reader.error(at: field.value, "'name' must be non-empty text on one line")
                valid = false
            } else {
                name = text
            }
        } else if fields["name"] != nil {
            valid = false
        }
        var method: String?
        if let field = required("method"), let text = reader.string(field.value, what: "'method'") {
            if httpMethods.contains(text.uppercased()) || text == "*" {
                method = text.uppercased()
            } else {
                reader.error(at: field.value, "unknown method '\(text)' (expected one of: \(httpMethods.joined(separator: ", ")), or * on routes to http services)")
                valid = false
            }
        }
        var template: PathTemplate?
        let pathField = required("path")
        if let pathField, let text = reader.string(pathField.value, what: "'path'") {
            do {
                template = try PathTemplate.parse(text)
            } catch {
                reader.error(at: pathField.value, "bad path template '\(text)': \(error)")
                valid = false
            }
        }
        let serviceField = required("service")
        let service = serviceField.flatMap { reader.string($0.value, what: "'service'") }
        // Routes to `protocol: http` services have none; which service is which is known only once every
        // file is read, so its absence is reported by validation.
        let callField = fields["call"]
        var call: String?
        if let callField, let text = reader.string(callField.value, what: "'call'") {
            if let dot = text.lastIndex(of: "."), dot != text.startIndex, dot != text.index(before: text.endIndex) {
                call = text
            } else {
                reader.error(at: callField.value, "'call' must be 'Service.Method', not '\(text)'")
                valid = false
            }
        }
        var body = RouteConfiguration.Body.none
        if let field = fields["body"], let text = reader.string(field.value, what: "'body'") {
            if text == "*" {
                body = .arguments
            } else if let path = fieldPath(text, at: field.value, what: "'body'", reader: &reader) {
                body = .field(path)
            } else {
                valid = false
            }
        }
        let query = parameters(fields["query"], what: "'query'", reader: &reader, valid: &valid)
        let headers = parameters(fields["headers"], what: "'headers'", reader: &reader, valid: &valid)
        let cookies = parameters(fields["cookies"], what: "'cookies'", reader: &reader, valid: &valid)
        var strict = false
        if let field = fields["strict"] {
            if let value = reader.bool(field.value, what: "'strict'") { strict = value } else { valid = false }
        }
        var options = RouteConfiguration.Options()
        var protobufOptions = ProtobufTranscodeOptions(strict: strict)
        var optionOrigins: [String: ConfigOrigin] = [:]
        if let field = fields["options"] {
            if let items = reader.fields(of: field.value, what: "'options'", allowed: optionKeys) {
                for (name, item) in items {
                    guard let value = reader.bool(item.value, what: "'\(name)'") else {
                        valid = false
                        continue
                    }
                    optionOrigins[name] = reader.origin(of: item.key)
                    switch name {
                    case "void_as_empty_object": options.voidAsEmptyObject = value
                    case "int64_as_string": options.int64AsString = value
                    case "enums_as_names": options.enumsAsNames = value
                    case "emit_defaults": protobufOptions.emitDefaults = value
                    case "enums_as_ints": protobufOptions.enumsAsInts = value
                    case "preserve_proto_field_names": protobufOptions.preserveProtoFieldNames = value
                    default: protobufOptions.strict = value || strict
                    }
                }
            } else {
                valid = false
            }
        }
        var responseBody: [String]?
        if let field = fields["response_body"], let text = reader.string(field.value, what: "'response_body'") {
            responseBody = fieldPath(text, at: field.value, what: "'response_body'", reader: &reader)
            if responseBody == nil { valid = false }
        } else if fields["response_body"] != nil {
            valid = false
        }
        var exceptionStatus: [String: Int] = [:]
        var exceptionOrigins: [(name: String, origin: ConfigOrigin)] = []
        if let field = fields["exceptions"] {
            if let mapping = field.value.mapping {
                for (key, value) in mapping {
                    guard let name = reader.string(key, what: "an exception name") else {
                        valid = false
                        continue
                    }
                    guard let status = reader.int(value, what: "the status for '\(name)'", range: 100...599) else {
                        valid = false
                        continue
                    }
                    exceptionStatus[name] = status
                    exceptionOrigins.append((name, reader.origin(of: key)))
                }
            } else {
                reader.error(at: field.value, "'exceptions' must be a mapping of exception name to HTTP status")
                valid = false
            }
        }
        let (rewrite, maxBody) = parseProxyKeys(fields, template: template, reader: &reader, valid: &valid)
        let callPolicy = parseCallPolicyOverride(fields, reader: &reader, valid: &valid)
        var plugins = PluginLayer()
        if let field = fields["plugins"] {
            if let layer = PluginLayer.parse(field.value, directory: directory, routeLevel: true, reader: &reader) { plugins = layer } else { valid = false }
        }
        guard valid, let method, let template, let pathField, let service, let serviceField, callField == nil || call != nil
        else { return nil }
        var configuration = RouteConfiguration(
            method: method,
            template: template,
            service: service,
            call: call ?? "",
            body: body,
            query: query,
            headers: headers,
            cookies: cookies,
            strict: strict,
            options: options,
            exceptionStatus: exceptionStatus,
            origin: reader.origin(of: node)
        )
        configuration.name = name
        configuration.rewrite = rewrite
        configuration.maxBody = maxBody
        configuration.responseBody = responseBody
        configuration.protobufOptions = protobufOptions
        configuration.callPolicy = callPolicy
        configuration.plugins = plugins
        return RouteDraft(
            configuration: configuration,
            pathOrigin: reader.origin(of: pathField.value),
            serviceOrigin: reader.origin(of: serviceField.value),
            callOrigin: callField.map { reader.origin(of: $0.value) },
            bodyOrigin: fields["body"].map { reader.origin(of: $0.value) },
            exceptionOrigins: exceptionOrigins,
            keyOrigins: fields.mapValues { reader.origin(of: $0.key) },
            optionOrigins: optionOrigins
        )
    }

    private static func parameters(
        _ field: (key: Node, value: Node)?,
        what: String,
        reader: inout YAMLReader,
        valid: inout Bool
    ) -> [RouteConfiguration.Parameter] {
        guard let field else { return [] }
        guard let pairs = reader.stringPairs(field.value, what: what) else {
            valid = false
            return []
        }
        var result: [RouteConfiguration.Parameter] = []
        for pair in pairs {
            guard !pair.name.isEmpty else {
                reader.error(at: pair.key, "a name in \(what) must not be empty")
                valid = false
                continue
            }
            guard let path = fieldPath(pair.text, at: pair.value, what: "'\(pair.name)' in \(what)", reader: &reader) else {
                valid = false
                continue
            }
            result.append(RouteConfiguration.Parameter(name: pair.name, fieldPath: path, origin: reader.origin(of: pair.value)))
        }
        if pairs.count != field.value.mapping?.count { valid = false }
        return result
    }

    private static func fieldPath(_ text: String, at node: Node, what: String, reader: inout YAMLReader) -> [String]? {
        do {
            return try PathTemplate.parseFieldPath(text, at: 0)
        } catch {
            reader.error(at: node, "\(what) must be a field path like 'req.name', not '\(text)'")
            return nil
        }
    }
}
