/// A listener's `tls:` block: the certificate it presents by default, more chosen by the server name the
/// client asks for (SNI), and optionally the CA whose certificates clients must present (mTLS).
/// Paths are as resolved against the config file's directory; the files are read when the listener starts
/// and when `sluice check` runs.
public struct ListenerTLS: Sendable, Hashable {
    /// A certificate for the clients that ask for `serverName`.
    public struct NamedCertificate: Sendable, Hashable {
        /// Matched case-insensitively; `*.example.test` matches one label in front of `example.test`.
        public var serverName: String
        public var certificate: String
        public var key: String

        public init(serverName: String, certificate: String, key: String) {
            self.serverName = serverName
            self.certificate = certificate
            self.key = key
        }
    }

    /// PEM certificate chain, leaf first.
    public var certificate: String
    /// PEM private key.
    public var key: String
    /// PEM CA certificates; when set, a client without a certificate one of them signed fails the handshake.
    public var clientCA: String?
    public var serverNames: [NamedCertificate]

    public init(certificate: String, key: String, clientCA: String? = nil, serverNames: [NamedCertificate] = []) {
        self.certificate = certificate
        self.key = key
        self.clientCA = clientCA
        self.serverNames = serverNames
    }
}
