public import SluiceClient
public import SluiceProtobuf

/// Why ``ServerReflection/fetch(endpoint:tls:authority:metadata:timeout:limits:eventLoopGroup:logger:)`` found no
/// descriptors: the endpoint, and what failed there.
public struct ServerReflectionError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// No gRPC answer: no connection, the deadline, a reset stream (``clientError`` says which).
        case transport
        /// The server offers neither `grpc.reflection.v1` nor `v1alpha` (both UNIMPLEMENTED).
        case unsupported
        /// The reflection stream ended with another status, or before its questions were answered.
        case status
        /// The answers themselves: an error answer, a malformed or unlinkable file, a limit (``reflectionError``).
        case resolution
    }

    public var kind: Kind
    public var endpoint: Endpoint
    /// A sentence: `the server has no file "a.proto" (imported by "b.proto"): status 5: ...`.
    public var message: String
    /// For ``Kind/transport``.
    public var clientError: ClientError?
    /// For ``Kind/resolution``.
    public var reflectionError: ReflectionError?

    public init(
        _ kind: Kind, endpoint: Endpoint, _ message: String, clientError: ClientError? = nil,
        reflectionError: ReflectionError? = nil
    ) {
        self.kind = kind
        self.endpoint = endpoint
        self.message = message
        self.clientError = clientError
        self.reflectionError = reflectionError
    }

    /// `server reflection at 127.0.0.1:50051: ...`.
    public var description: String { "server reflection at \(endpoint): \(message)" }
}
