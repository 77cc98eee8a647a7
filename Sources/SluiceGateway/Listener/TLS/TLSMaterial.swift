internal import NIOSSL
internal import SluiceClient

/// A listener's PEM files, loaded with the same readers as the backends' (`ThriftClientTLS`), plus the check
/// a server needs: that the key belongs to the certificate.
enum TLSMaterial {
    struct Identity: Sendable {
        var chain: [NIOSSLCertificate]
        var key: NIOSSLPrivateKey
    }

    static func identity(certificate: String, key: String) throws(TLSFileError) -> Identity {
        let chain = try ThriftClientTLS.certificates(pemFile: certificate)
        let privateKey = try ThriftClientTLS.privateKey(pemFile: key)
        // BoringSSL checks that the key belongs to the leaf certificate when both go into one context.
        do {
            _ = try NIOSSLContext(
                configuration: .makeServerConfiguration(
                    certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(privateKey)))
        } catch {
            throw TLSFileError(message: "the key '\(key)' does not match the certificate '\(certificate)' (\(error))")
        }
        return Identity(chain: chain, key: privateKey)
    }

    static func problem(certificate: String, key: String) -> String? {
        do throws(TLSFileError) {
            _ = try identity(certificate: certificate, key: key)
            return nil
        } catch {
            return error.description
        }
    }

    static func problem(trustRoots path: String) -> String? {
        do throws(TLSFileError) {
            _ = try ThriftClientTLS.certificates(pemFile: path)
            return nil
        } catch {
            return error.description
        }
    }
}
