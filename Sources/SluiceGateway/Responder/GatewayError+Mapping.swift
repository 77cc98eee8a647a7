internal import SluiceClient
internal import SluiceProtobuf
internal import SluiceThrift

/// Every failure on the request path becomes a ``GatewayError`` here, so status codes and error codes are
/// decided in one place.
extension GatewayError {
    /// A request body (or bound value) that does not fit the arguments: 400, naming the JSON path and offset.
    init(request error: TranscodeError) {
        let code: Code
        switch error.kind {
        case .syntax: code = .invalidJSON
        case .wrongType: code = .wrongType
        case .missingRequired: code = .missingRequiredField
        case .outOfRange: code = .outOfRange
        case .unionFieldCount: code = .invalidUnion
        case .unknownField: code = .unknownField
        case .tooDeep: code = .tooDeep
        case .invalidValue: code = .invalidValue
        // Only a reply can be malformed Thrift; on the request side it would be our encoder's fault.
        case .malformedThrift: code = .internalError
        }
        self.init(code, error.message, field: error.path, offset: error.offset)
    }

    /// A request body (or bound value) that does not fit the request message: 400, as for Thrift.
    init(request error: ProtobufTranscodeError) {
        let code: Code
        switch error.kind {
        case .syntax: code = .invalidJSON
        case .wrongType: code = .wrongType
        case .missingRequired: code = .missingRequiredField
        case .outOfRange: code = .outOfRange
        case .oneofConflict: code = .invalidUnion
        case .unknownField: code = .unknownField
        case .tooDeep: code = .tooDeep
        case .invalidValue: code = .invalidValue
        // A query parameter setting what the body or the path sets.
        case .conflict: code = .invalidArgument
        case .malformedProtobuf: code = .internalError
        }
        self.init(code, error.message, field: error.path, offset: error.offset)
    }

    /// A reply the gateway cannot read is the backend's fault: 502.
    init(reply error: TranscodeError) {
        self.init(.badGateway, "the backend's reply could not be decoded: \(error.description)")
    }

    /// Timeouts are 504; no endpoint to call (none configured or discovered, or every one ejected or held down
    /// by health checks) is 503, as Envoy's "no healthy upstream"; every other client failure (refused, reset,
    /// closed, protocol error) is 502.
    ///
    /// The client hears what went wrong and with which service, never backend addresses or the transport's own
    /// text; the dispatcher logs those.
    init(client error: any Error, service: String) {
        guard let error = error as? ClientError else {
            self.init(.badGateway, "the call to service '\(service)' failed")
            return
        }
        let what: String
        switch error.kind {
        case .noEndpoints:
            self.init(.unavailable, "service '\(service)' has no endpoint to call\(error.reason.map { ": \($0)" } ?? "")")
            return
        // The reason, when there is one, says why a connection that opened was of no use (no HTTP/2, say).
        case .connectFailed: what = error.reason ?? "is unreachable: no connection to its backend could be opened"
        case .connectTimeout: what = "did not accept a connection in time"
        case .requestTimeout: what = "did not answer in time"
        case .connectionClosed: what = "closed the connection before answering"
        case .protocolError: what = error.reason ?? "sent a reply that is not valid Thrift framing"
        case .shutdown: what = "is shutting down"
        case .cancelled: what = "was not waited for: the client went away"
        }
        self.init(error.isTimeout ? .gatewayTimeout : .badGateway, "service '\(service)' \(what)")
    }

    init(binding error: BindingError) {
        switch error.kind {
        case .invalid: self.init(.invalidArgument, error.message)
        case .unsupportedMediaType: self.init(.unsupportedMediaType, error.message)
        }
    }
}
