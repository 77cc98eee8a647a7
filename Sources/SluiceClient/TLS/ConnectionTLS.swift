package import NIOSSL

/// One endpoint's TLS: its client's one context and the name its connections send and verify.
package struct ConnectionTLS: Sendable {
    /// A context that could not be built fails every connect with the reason, rather than the client init.
    package var context: Result<NIOSSLContext, ClientError>
    package var serverHostname: String?

    package init(context: Result<NIOSSLContext, ClientError>, serverHostname: String?) {
        self.context = context
        self.serverHostname = serverHostname
    }
}

extension ThriftClientTLS {
    /// Builds the context once; `ThriftClient` (and an HTTP upstream, offering ALPN `http/1.1`) hands the
    /// result to every endpoint's connections.
    package func makeConnectionContext(applicationProtocols: [String] = []) -> Result<NIOSSLContext, ClientError> {
        do {
            return .success(try makeContext(applicationProtocols: applicationProtocols))
        } catch {
            return .failure(ClientError(.connectFailed, "cannot set up TLS: \(error.message)"))
        }
    }
}
