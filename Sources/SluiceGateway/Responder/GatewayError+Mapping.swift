internal import SluiceClient
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

    /// A reply the gateway cannot read is the backend's fault: 502.
    init(reply error: TranscodeError) {
        self.init(.badGateway, "the backend's reply could not be decoded: \(error.description)")
    }

    /// Timeouts are 504; every other client failure (refused, reset, closed, protocol error) is 502.
    init(client error: any Error) {
        if let error = error as? ClientError {
            self.init(error.isTimeout ? .gatewayTimeout : .badGateway, error.message)
        } else {
            self.init(.badGateway, "backend call failed: \(error)")
        }
    }

    init(binding error: BindingError) {
        switch error.kind {
        case .invalid: self.init(.invalidArgument, error.message)
        case .unsupportedMediaType: self.init(.unsupportedMediaType, error.message)
        }
    }
}
