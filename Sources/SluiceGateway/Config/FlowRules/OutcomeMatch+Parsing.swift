extension OutcomeMatch {
    /// gRPC's status codes by name (grpc/doc/statuscodes.md); OK is not an error, so it is not here.
    static let grpcCodes: [String: Int] = [
        "CANCELLED": 1, "UNKNOWN": 2, "INVALID_ARGUMENT": 3, "DEADLINE_EXCEEDED": 4, "NOT_FOUND": 5,
        "ALREADY_EXISTS": 6, "PERMISSION_DENIED": 7, "RESOURCE_EXHAUSTED": 8, "FAILED_PRECONDITION": 9,
        "ABORTED": 10, "OUT_OF_RANGE": 11, "UNIMPLEMENTED": 12, "INTERNAL": 13, "UNAVAILABLE": 14, "DATA_LOSS": 15,
        "UNAUTHENTICATED": 16,
    ]

    /// `exception:<IDL name>`, `grpc:<code name or number 1...16>` or `http:<status 100...599>`; nil otherwise.
    init?(parsing text: String) {
        guard let colon = text.firstIndex(of: ":") else { return nil }
        let kind = text[..<colon]
        let value = String(text[text.index(after: colon)...])
        switch kind {
        case "exception":
            guard !value.isEmpty, !value.contains(where: \.isWhitespace) else { return nil }
            self = .exception(value)
        case "grpc":
            guard let code = Self.grpcCodes[value.uppercased()] ?? Int(value), (1...16).contains(code) else { return nil }
            self = .grpc(code)
        case "http":
            guard value.utf8.count == 3, let status = Int(value), (100...599).contains(status) else { return nil }
            self = .http(status)
        default:
            return nil
        }
    }
}
