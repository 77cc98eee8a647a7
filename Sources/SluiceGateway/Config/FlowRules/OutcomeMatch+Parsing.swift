internal import SluiceClient

extension OutcomeMatch {
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
            guard let code = GRPCCodeNames.code(named: value.uppercased()) ?? Int(value), (1...16).contains(code) else { return nil }
            self = .grpc(code)
        case "http":
            guard value.utf8.count == 3, let status = Int(value), (100...599).contains(status) else { return nil }
            self = .http(status)
        default:
            return nil
        }
    }
}
