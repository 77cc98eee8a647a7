internal import Yams

/// `deadline_header: <field name>` on a `protocol: http` service: each proxied request tells the upstream how
/// long the gateway will wait for its response, in milliseconds, as Envoy's `x-envoy-expected-rq-timeout-ms`
/// does. Thrift and gRPC calls already carry theirs (TTHeader's RPC-timeout key, `grpc-timeout`).
extension RouteFile {
    static let deadlineHeaderKey = "deadline_header"

    /// Fields the gateway or the request's framing own: a deadline written there would clash with them.
    static let fieldsNotForTheDeadline =
        ProxyHeaders.hopByHop + [
            "host", "content-length", "content-type", "forwarded", "x-forwarded-for", "x-forwarded-proto",
            "x-forwarded-host", "grpc-timeout",
        ]

    /// Reports `deadline_header` on a Thrift or gRPC service; `true` when there is none.
    static func refuseDeadlineHeader(
        _ fields: [String: (key: Node, value: Node)], kind: ServiceConfiguration.Kind, reader: inout YAMLReader
    ) -> Bool {
        refuseKeys([deadlineHeaderKey], in: fields, reader: &reader) { key in
            let own =
                kind == .grpc
                ? "a gRPC service's calls carry grpc-timeout" : "a Thrift service's calls carry TTHeader's RPC-timeout key"
            return "'\(key)' is for 'protocol: http' services; \(own)"
        }
    }

    /// The field name, lowercased, or nil when absent or invalid (then `valid` is false).
    static func parseDeadlineHeader(
        _ fields: [String: (key: Node, value: Node)], reader: inout YAMLReader, valid: inout Bool
    ) -> String? {
        guard let field = fields[deadlineHeaderKey] else { return nil }
        guard let name = reader.string(field.value, what: "'\(deadlineHeaderKey)'") else {
            valid = false
            return nil
        }
        guard !name.isEmpty, name.utf8.allSatisfy(isTokenByte) else {
            reader.error(at: field.value, "'\(deadlineHeaderKey)': '\(name)' is not a header field name (letters, digits and !#$%&'*+-.^_`|~)")
            valid = false
            return nil
        }
        if fieldsNotForTheDeadline.contains(where: { name.equalsIgnoringASCIICase($0) }) {
            reader.error(at: field.value, "'\(deadlineHeaderKey)': '\(name)' is a field the gateway or the request's framing sets; choose another name, such as x-request-timeout-ms")
            valid = false
            return nil
        }
        // HTTP/2 upstreams need it lowercase; HTTP/1.1 ones compare it without case.
        return name.lowercased()
    }

    /// RFC 9110 §5.6.2 `tchar`.
    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default:
            "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }
}
