internal import NIOSSL

/// Loading PEM files for a listener, with the problem said in words a config error can carry.
enum TLSMaterial {
    struct Identity: Sendable {
        var chain: [NIOSSLCertificate]
        var key: NIOSSLPrivateKey
    }

    struct LoadError: Error, CustomStringConvertible {
        var description: String
    }

    static func identity(certificate: String, key: String) throws(LoadError) -> Identity {
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(certificate)
        } catch {
            throw LoadError(description: "cannot load certificate '\(certificate)' (\(error))")
        }
        guard !chain.isEmpty else { throw LoadError(description: "'\(certificate)' holds no PEM certificate") }
        let privateKey: NIOSSLPrivateKey
        do {
            privateKey = try NIOSSLPrivateKey(file: key, format: .pem)
        } catch {
            throw LoadError(description: "cannot load private key '\(key)' (\(error))")
        }
        // BoringSSL checks that the key belongs to the leaf certificate when both go into one context.
        do {
            _ = try NIOSSLContext(
                configuration: .makeServerConfiguration(
                    certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(privateKey)))
        } catch {
            throw LoadError(description: "the key '\(key)' does not match the certificate '\(certificate)' (\(error))")
        }
        return Identity(chain: chain, key: privateKey)
    }

    static func certificates(_ path: String) throws(LoadError) -> [NIOSSLCertificate] {
        let certificates: [NIOSSLCertificate]
        do {
            certificates = try NIOSSLCertificate.fromPEMFile(path)
        } catch {
            throw LoadError(description: "cannot load CA certificates '\(path)' (\(error))")
        }
        guard !certificates.isEmpty else { throw LoadError(description: "'\(path)' holds no PEM certificate") }
        return certificates
    }

    static func problem(certificate: String, key: String) -> String? {
        do throws(LoadError) {
            _ = try identity(certificate: certificate, key: key)
            return nil
        } catch {
            return error.description
        }
    }

    static func problem(trustRoots path: String) -> String? {
        do throws(LoadError) {
            _ = try certificates(path)
            return nil
        } catch {
            return error.description
        }
    }
}
