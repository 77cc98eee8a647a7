/// Why a call did not get an answer from the backend.
public struct ClientError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        case noEndpoints
        case connectFailed
        case connectTimeout
        case requestTimeout
        case connectionClosed
        case protocolError
        case shutdown
        /// The caller gave up (``CallCancellation``); nobody waits for the answer.
        case cancelled
    }

    public var kind: Kind
    /// For the log: names the endpoint and the call.
    public var message: String
    /// What the backend did wrong, without addresses, fit for the gateway's client to read; nil when the
    /// kind says it all.
    public var reason: String?
    /// Whether any byte of the request may have reached the backend: false only where the client knows it
    /// was never written (connect failures, a connection that closed or a deadline that passed before the
    /// write), so a retry of a non-idempotent call is safe exactly when this is false.
    public var requestWritten: Bool

    public init(_ kind: Kind, _ message: String, reason: String? = nil, requestWritten: Bool? = nil) {
        self.kind = kind
        self.message = message
        self.reason = reason
        self.requestWritten = requestWritten ?? Self.mayHaveWritten(kind)
    }

    /// Connect failures and a missing endpoint never carried the request; anything else may have.
    private static func mayHaveWritten(_ kind: Kind) -> Bool {
        switch kind {
        case .noEndpoints, .connectFailed, .connectTimeout: false
        default: true
        }
    }

    /// Timeouts are the backend's slowness (504); everything else is a bad gateway (502).
    public var isTimeout: Bool { kind == .requestTimeout || kind == .connectTimeout }

    public var description: String { message }
}
