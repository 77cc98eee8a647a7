public import NIOSSL
internal import NIOCore

/// TLS to a backend: which CAs to trust, which name to verify, which certificate to present.
///
/// A value, so a reload that changes any part of it (a re-issued CA or client certificate too: certificates
/// compare by content) builds a new client, and one that changes nothing keeps the running client.
public struct ThriftClientTLS: Sendable, Hashable {
    /// The CAs a backend's certificate must chain to; nil trusts the system's roots.
    public var trustRoots: [NIOSSLCertificate]?
    /// Sent as SNI and verified against the certificate. Nil: the endpoint's host when it is a DNS name; an IP
    /// endpoint gets no SNI (it may not carry an address) and is verified against the certificate's IP SANs.
    public var serverName: String?
    /// Presented when the backend asks for a client certificate (mTLS), leaf first; empty presents none.
    public var certificateChain: [NIOSSLCertificate]
    /// The key of `certificateChain`'s leaf.
    public var privateKey: NIOSSLPrivateKey?
    /// False accepts any certificate and name: for development only.
    public var verifiesCertificates: Bool

    public init(
        trustRoots: [NIOSSLCertificate]? = nil,
        serverName: String? = nil,
        certificateChain: [NIOSSLCertificate] = [],
        privateKey: NIOSSLPrivateKey? = nil,
        verifiesCertificates: Bool = true
    ) {
        self.trustRoots = trustRoots
        self.serverName = serverName
        self.certificateChain = certificateChain
        self.privateKey = privateKey
        self.verifiesCertificates = verifiesCertificates
    }

    /// The context every connection of one client shares, offering `applicationProtocols` by ALPN. Fails when
    /// the key does not belong to the certificate, or the system's trust roots cannot be read.
    public func makeContext(applicationProtocols: [String] = []) throws(TLSFileError) -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.applicationProtocols = applicationProtocols
        configuration.trustRoots = trustRoots.map { .certificates($0) } ?? .default
        configuration.certificateVerification = verifiesCertificates ? .fullVerification : .none
        configuration.certificateChain = certificateChain.map { .certificate($0) }
        configuration.privateKey = privateKey.map { .privateKey($0) }
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch NIOSSLError.failedToLoadPrivateKey {
            // BoringSSL refuses a key here when it is not the certificate's (it parsed already).
            throw TLSFileError(message: "the private key does not belong to the client certificate")
        } catch {
            throw TLSFileError(message: "\(error)")
        }
    }

    /// The SNI (and verified) name for `endpoint`.
    package func serverHostname(for endpoint: Endpoint) -> String? {
        if let serverName { return serverName }
        return Self.isIPAddress(endpoint.host) ? nil : endpoint.host
    }

    /// Whether `host` is an IPv4 or IPv6 literal, which TLS server names may not be.
    public static func isIPAddress(_ host: String) -> Bool {
        (try? SocketAddress(ipAddress: host, port: 0)) != nil
    }
}
