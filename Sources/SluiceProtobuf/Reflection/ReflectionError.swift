/// Why server reflection did not produce a set of descriptors: what the server answered or failed to, naming the
/// service, file or limit concerned.
public struct ReflectionError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// A response is not valid protobuf.
        case malformedResponse
        /// A response of another kind than the question asked (files for a listing, ...).
        case unexpectedResponse
        /// The server answered a question with an error response (NOT_FOUND for a file or symbol, ...).
        case errorResponse
        /// A file is not a `FileDescriptorProto`, the files do not define a listed service, or they do not link.
        case invalidDescriptors
        /// More services, files or bytes than the limits allow.
        case limitExceeded
    }

    public var kind: Kind
    /// A sentence naming what failed: `the server has no file "a/b.proto" (imported by "c.proto"): ...`.
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
