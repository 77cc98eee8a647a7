internal import NIOSSL

/// One endpoint's TLS: its client's one context and the name its connections send and verify.
struct ConnectionTLS: Sendable {
    /// A context that could not be built fails every connect with the reason, rather than the client init.
    var context: Result<NIOSSLContext, ClientError>
    var serverHostname: String?
}

extension ThriftClientTLS {
    /// Builds the context once; `ThriftClient` hands the result to every endpoint's settings.
    func makeConnectionContext() -> Result<NIOSSLContext, ClientError> {
        do {
            return .success(try makeContext())
        } catch {
            return .failure(ClientError(.connectFailed, "cannot set up TLS: \(error.message)"))
        }
    }
}
