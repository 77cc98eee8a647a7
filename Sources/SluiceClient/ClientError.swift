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
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// Timeouts are the backend's slowness (504); everything else is a bad gateway (502).
    public var isTimeout: Bool { kind == .requestTimeout || kind == .connectTimeout }

    public var description: String { message }
}
