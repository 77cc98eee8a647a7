internal import NIOCore
internal import SluiceJSON

/// `envelope`: every answer of the route in one shape, `{"code": 0, "msg": "success", "data": <reply>}`, and
/// every failure mapped to a code (and optionally a status) from an error table, as Kitex services' unified
/// responses do. Failures are found by their kind (`exception:NotFound`, `flow_blocked`, ...; see
/// ``EnvelopeSettings/keys(for:)``), the most specific key first, then `default`; `data` keeps the failure's
/// details. Streamed replies and raw (non-JSON) bodies pass as they are.
public struct EnvelopeSettings: Sendable, Hashable {
    struct Mapping: Sendable, Hashable {
        var code: Int64
        /// nil: the failure's own status.
        var status: Int?
    }

    var codeField = "code"
    var messageField = "msg"
    var dataField = "data"
    var successCode: Int64 = 0
    var successMessage = "success"
    var errors: [String: Mapping] = [:]
    /// Where it was set, for a route it cannot apply to (a proxied one).
    var origin: ConfigOrigin?

    /// The table keys a failure is looked up by, most specific first; `default` comes last.
    static func keys(for failure: ResponseFailure) -> [String] {
        switch failure {
        case .exception(let type):
            let short = type.split(separator: ".").last.map(String.init) ?? type
            return short == type ? ["exception:" + type] : ["exception:" + type, "exception:" + short]
        case .grpc(let code, _):
            let name = GRPCStatusName.name(of: code)
            let kind = code == 4 ? "upstream_timeout" : code == 14 ? "upstream_unavailable" : "upstream_error"
            return ["grpc:" + name, kind]
        case .gateway(let code, _):
            return [code, category(of: code)].filter { !$0.isEmpty }
        }
    }

    /// The issue-level kinds users write tables in.
    private static func category(of code: String) -> String {
        switch code {
        case "bad_request", "invalid_argument", "invalid_json", "wrong_type", "missing_required_field", "out_of_range", "invalid_union",
            "unknown_field", "too_deep", "invalid_value", "payload_too_large", "unsupported_media_type", "header_fields_too_large":
            "bad_request"
        case "route_not_found": "not_found"
        case "bad_gateway", "unavailable": "upstream_unavailable"
        case "gateway_timeout": "upstream_timeout"
        case "application_exception": "upstream_error"
        default: ""
        }
    }

    /// `response` in the envelope; what cannot be wrapped (a stream, a raw body) is returned as it is.
    func wrap(_ response: GatewayResponse, allocator: ByteBufferAllocator) -> GatewayResponse {
        guard response.stream == nil, response.contentType == nil else { return response }
        var wrapped = response
        var json = JSONWriter(buffer: allocator.buffer(capacity: 48 + (response.body?.readableBytes ?? 0)))
        json.beginObject()
        if let failure = response.failure {
            let mapping = Self.keys(for: failure).lazy.compactMap { errors[$0] }.first ?? errors["default"]
            json.key(codeField)
            json.int(mapping?.code ?? Int64(response.status))
            json.key(messageField)
            json.string(Self.message(of: failure))
            json.key(dataField)
            writeDetails(response.body, failure: failure, into: &json)
            if let status = mapping?.status { wrapped.status = status }
        } else {
            json.key(codeField)
            json.int(successCode)
            json.key(messageField)
            json.string(successMessage)
            json.key(dataField)
            if let body = response.body, body.readableBytes > 0 { body.withUnsafeReadableBytes { json.rawValue($0) } } else { json.null() }
            // A body now follows: a 204 becomes 200.
            if wrapped.status == 204 { wrapped.status = 200 }
        }
        json.endObject()
        wrapped.body = json.buffer
        return wrapped
    }

    private static func message(of failure: ResponseFailure) -> String {
        switch failure {
        case .gateway(_, let message), .grpc(_, let message): message
        case .exception(let type): type.split(separator: ".").last.map(String.init) ?? type
        }
    }

    /// The failure's details as `data`: the object inside the gateway's `{"error": ...}` or an exception's, or a
    /// gRPC status body whole.
    private func writeDetails(_ body: ByteBuffer?, failure: ResponseFailure, into json: inout JSONWriter) {
        guard var body, body.readableBytes > 0 else { return json.null() }
        if case .grpc = failure { return body.withUnsafeReadableBytes { json.rawValue($0) } }
        let prefix = #"{"error":"#
        guard body.readableBytes > prefix.utf8.count + 1, body.readString(length: prefix.utf8.count) == prefix,
            let inner = body.readSlice(length: body.readableBytes - 1)
        else { return json.null() }
        inner.withUnsafeReadableBytes { json.rawValue($0) }
    }
}

/// gRPC status code names (grpc/status codes).
enum GRPCStatusName {
    static let names = [
        "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED",
        "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS",
        "UNAUTHENTICATED",
    ]

    static func name(of code: Int) -> String { names.indices.contains(code) ? names[code] : String(code) }
}
