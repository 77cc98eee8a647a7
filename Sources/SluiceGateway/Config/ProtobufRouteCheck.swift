internal import SluiceProtobuf

/// Checks one route to a gRPC method against its messages: what the path, parameters and body bind must be
/// fields of the request, each of a kind text can fill; `response_body` a field of the response.
struct ProtobufRouteCheck {
    struct Problem {
        enum Part {
            case call, path, body, responseBody
            case parameter(ConfigOrigin)
        }

        var part: Part
        var message: String
    }

    let route: RouteConfiguration
    let method: ProtobufMethod
    let schema: ProtobufSchema

    func problems() -> [Problem] {
        var problems: [Problem] = []
        if method.clientStreaming {
            let kind = method.serverStreaming ? "is bidi-streaming" : "is client-streaming"
            // The body is the stream of request messages; there is no one message for anything else to fill.
            if route.body != .arguments {
                problems.append(Problem(
                    part: .body, message: "\(method.fullName) \(kind): its route takes the request messages as the body (body: \"*\")"))
            }
            let bound = route.template.variables.map(\.name) + (route.query + route.headers + route.cookies).map(\.name)
            if !bound.isEmpty {
                problems.append(Problem(
                    part: .path, message: "\(method.fullName) \(kind): its route binds no path, query, header or cookie values (\(bound.joined(separator: ", ")))"))
            }
            return problems
        }
        let request = method.input
        for variable in route.template.variables {
            if let message = textProblem(variable.fieldPath, in: request, repeatedAllowed: false) {
                problems.append(Problem(part: .path, message: "path variable '\(variable.name)': \(message)"))
            }
        }
        // A value spanning segments keeps its slashes (and `%2F`): only a string holds it as it came.
        for variable in Self.multiSegmentVariables(route.template) {
            if case .success(let field) = ProtobufFieldPath.resolve(variable.fieldPath, in: request, schema: schema), field.type != .string {
                problems.append(Problem(
                    part: .path, message: "path variable '\(variable.name)' spans segments, so it must bind a string field, not \(ProtobufFieldPath.typeName(field, schema: schema))"))
            }
        }
        for (kind, parameters) in [("query parameter", route.query), ("header", route.headers), ("cookie", route.cookies)] {
            for parameter in parameters {
                if let message = textProblem(parameter.fieldPath, in: request, repeatedAllowed: true) {
                    problems.append(Problem(part: .parameter(parameter.origin), message: "\(kind) '\(parameter.name)': \(message)"))
                }
            }
        }
        for claim in route.claimFields {
            if let message = textProblem(claim.fieldPath, in: request, repeatedAllowed: true) {
                problems.append(Problem(part: .parameter(claim.origin), message: "claim '\(claim.claim)': \(message)"))
            }
        }
        if case .field(let path) = route.body {
            if case .failure(let problem) = ProtobufFieldPath.resolve(path, in: request, schema: schema) {
                problems.append(Problem(part: .body, message: "body '\(path.joined(separator: "."))': \(problem.message)"))
            }
        }
        if let path = route.responseBody {
            if path.count != 1 {
                problems.append(Problem(part: .responseBody, message: "response_body '\(path.joined(separator: "."))' must name a top-level field of \(schema[method.output].fullName)"))
            } else if case .failure(let problem) = ProtobufFieldPath.resolve(path, in: method.output, schema: schema) {
                problems.append(Problem(part: .responseBody, message: "response_body '\(path[0])': \(problem.message)"))
            }
        }
        return problems
    }

    /// `{x=**}` and `{x=a/*}`-style variables, whose values may hold slashes.
    static func multiSegmentVariables(_ template: PathTemplate) -> [PathTemplate.Variable] {
        var variables = template.patternVariables.filter { $0.segments.count > 1 }.map(\.variable)
        for segment in template.segments {
            if case .rest(let variable?) = segment { variables.append(variable) }
        }
        return variables
    }

    /// Why text cannot fill the field at `path`; nil when it can.
    private func textProblem(_ path: [String], in message: ProtobufMessageID, repeatedAllowed: Bool) -> String? {
        switch ProtobufFieldPath.resolve(path, in: message, schema: schema) {
        case .failure(let problem):
            return problem.message
        case .success(let field):
            let name = path.joined(separator: ".")
            if field.isMap { return "'\(name)' is a map; only scalars, enums and lists of them can be bound from text" }
            if field.label == .repeated && !repeatedAllowed { return "'\(name)' is repeated; a path segment fills one value" }
            if !ProtobufFieldPath.acceptsText(field, schema: schema) {
                return "'\(name)' is a message (\(ProtobufFieldPath.typeName(field, schema: schema))); only scalars, enums and lists of them can be bound from text"
            }
            return nil
        }
    }
}

/// Field paths (`order.customer_id`, by `.proto` or JSON name) through singular message fields.
enum ProtobufFieldPath {
    static func resolve(_ path: [String], in message: ProtobufMessageID, schema: ProtobufSchema) -> Result<ProtobufField, FieldPathProblem> {
        var current = schema[message]
        var found: ProtobufField?
        for (depth, name) in path.enumerated() {
            if let previous = found {
                guard case .message(let id) = previous.type, previous.label != .repeated, !previous.isMap else {
                    let owner = path[..<depth].joined(separator: ".")
                    return .failure(FieldPathProblem(message: "'\(owner)' is not a singular message field, so it has no field '\(name)'"))
                }
                current = schema[id]
            }
            guard let field = current.fields.first(where: { $0.name == name || $0.jsonName == name }) else {
                let names = current.fields.map(\.name).joined(separator: ", ")
                return .failure(FieldPathProblem(message: "\(current.fullName) has no field '\(name)' (fields: \(names.isEmpty ? "none" : names))"))
            }
            found = field
        }
        guard let found else { return .failure(FieldPathProblem(message: "an empty field path")) }
        return .success(found)
    }

    /// Scalars, enums, and the well-known messages with a text form (Timestamp, Duration, FieldMask, wrappers).
    static func acceptsText(_ field: ProtobufField, schema: ProtobufSchema) -> Bool {
        switch field.type {
        case .message(let id), .group(let id):
            guard let wellKnown = schema[id].wellKnown else { return false }
            switch wellKnown {
            case .any, .structure, .value, .listValue: return false
            default: return true
            }
        default:
            return true
        }
    }

    static func typeName(_ field: ProtobufField, schema: ProtobufSchema) -> String {
        switch field.type {
        case .message(let id), .group(let id): schema[id].fullName
        case .enumeration(let id): schema[id].fullName
        default: "\(field.type)"
        }
    }
}
