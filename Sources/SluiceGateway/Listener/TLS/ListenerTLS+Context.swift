internal import NIOCore
internal import NIOSSL
internal import SluiceClient

extension ListenerTLS {
    /// The protocols a TLS listener offers, in preference order.
    static let applicationProtocols = ["h2", "http/1.1"]

    /// One context per listener, built when it starts: the default identity, the SNI table (consulted
    /// once per handshake, no file I/O then), and client verification when `clientCA` is set.
    func makeServerContext() throws(TLSFileError) -> NIOSSLContext {
        let identity = try TLSMaterial.identity(certificate: certificate, key: key)
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: identity.chain.map { .certificate($0) },
            privateKey: .privateKey(identity.key)
        )
        configuration.applicationProtocols = Self.applicationProtocols
        configuration.minimumTLSVersion = .tlsv12
        if let clientCA {
            // A client must present a certificate this CA signed; its name is not checked (any client
            // the CA vouches for may connect).
            configuration.trustRoots = .certificates(try ThriftClientTLS.certificates(pemFile: clientCA))
            configuration.certificateVerification = .noHostnameVerification
            configuration.sendCANameList = true
        }
        if !serverNames.isEmpty {
            var entries: [(pattern: String, value: TLSMaterial.Identity)] = []
            for named in serverNames {
                entries.append((named.serverName, try TLSMaterial.identity(certificate: named.certificate, key: named.key)))
            }
            let table = ServerNameTable(entries)
            configuration.sslContextCallback = { values, promise in
                var override = NIOSSLContextConfigurationOverride()
                if let name = values.serverHostname, let identity = table.lookup(name) {
                    override.certificateChain = identity.chain.map { .certificate($0) }
                    override.privateKey = .privateKey(identity.key)
                }
                promise.succeed(override)
            }
        }
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw TLSFileError(message: "cannot set up TLS with '\(certificate)' (\(error))")
        }
    }
}
