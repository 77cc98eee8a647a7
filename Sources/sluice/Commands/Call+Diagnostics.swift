import SluiceClient
import SluiceThrift

/// Messages for `sluice call`'s failures: bad input (exit 1) and client failures (exit 2).
enum CallDiagnostics {
    static func unknownMethod(_ qualified: String, in schema: ThriftSchema) -> String {
        let known = schema.services.values
            .flatMap { service in service.methods.map { "\(service.name).\($0.name)" } }
            .sorted()
        return "\(schema.rootFile): no method '\(qualified)'; the IDL has: \(known.joined(separator: ", "))"
    }

    /// A client failure, led by what kind it is (the message says where and how long).
    static func describe(failure error: any Error) -> String {
        guard let error = error as? ClientError else { return "\(error)" }
        let kind: String
        switch error.kind {
        case .noEndpoints: kind = "no endpoint"
        case .connectFailed: kind = "cannot connect"
        case .connectTimeout: kind = "connect timed out"
        case .requestTimeout: kind = "timed out"
        case .connectionClosed: kind = "connection closed"
        case .protocolError: kind = "protocol error"
        case .shutdown: kind = "client shut down"
        case .cancelled: kind = "cancelled"
        }
        return "\(kind): \(error.message)"
    }

    /// A transcode error as `$.path (byte N): message`.
    static func describe(_ error: any Error) -> String {
        guard let error = error as? TranscodeError else { return "\(error)" }
        var text = error.path
        if let offset = error.offset { text += " (byte \(offset))" }
        return text + ": " + error.message
    }
}
