extension ServiceConfiguration {
    /// A `protocol: grpc` service's own settings; the endpoints, timeouts, `connections` and `tls` are the
    /// service's common ones.
    public struct GRPCSettings: Sendable, Hashable {
        /// Where the descriptors come from (`idl:`).
        public enum IDLSource: Sendable, Hashable {
            /// `.proto` text with imports, parsed by SluiceProtobuf.
            case proto
            /// A `protoc --descriptor_set_out` file (`.pb`, `.desc`, `.binpb`, `.protoset`).
            case descriptorSet
            /// The word `reflection`: asked of the first endpoint over gRPC server reflection.
            case reflection
        }

        public var idlSource: IDLSource
        /// Directories `.proto` imports are looked up in, resolved against the route file's directory.
        public var importPaths: [String]
        /// Route `POST /<package>.<Service>/<Method>` (body: the request message) for every unary method.
        public var autoRoutes: Bool
        /// Request headers sent on as gRPC metadata (lower-cased names).
        public var forwardHeaders: [String]
        /// Response metadata (headers or trailers) copied onto the HTTP response as headers (lower-cased names).
        public var responseMetadata: [String]
        /// `:authority` sent to the backend; nil: the TLS server name, else the endpoint.
        public var authority: String?

        public init(
            idlSource: IDLSource = .proto, importPaths: [String] = [], autoRoutes: Bool = false,
            forwardHeaders: [String] = [], responseMetadata: [String] = [], authority: String? = nil
        ) {
            self.idlSource = idlSource
            self.importPaths = importPaths
            self.autoRoutes = autoRoutes
            self.forwardHeaders = forwardHeaders
            self.responseMetadata = responseMetadata
            self.authority = authority
        }
    }
}
