import ArgumentParser
import Logging
import SluiceClient

extension Call {
    /// The TLS flags' setting; a file's problem is bad input.
    func clientTLS() throws -> ThriftClientTLS? {
        do {
            return try tls.makeTLS()
        } catch {
            printError(error.message)
            throw ExitStatus.badInput
        }
    }

    /// The client's own logging stays quiet: failures are reported once, by the command.
    static func quietLogger() -> Logger {
        var logger = Logger(label: "sluice.call")
        logger.logLevel = .critical
        return logger
    }
}

/// `sluice call`'s TLS flags: any of them turns TLS on.
struct CallTLSOptions: ParsableArguments {
    @Flag(name: .customLong("tls"), help: "Connect with TLS, verifying the backend against the system's trust roots.")
    var enabled = false

    @Option(name: .customLong("tls-ca"), help: ArgumentHelp("Trust these PEM CA certificates instead of the system's.", valueName: "file"))
    var caFile: String?

    @Option(
        name: .customLong("tls-server-name"),
        help: ArgumentHelp("The name to send (SNI) and verify; default: the --to host unless it is an IP address.", valueName: "name"))
    var serverName: String?

    @Option(name: .customLong("tls-cert"), help: ArgumentHelp("A PEM client certificate for mTLS (with --tls-key).", valueName: "file"))
    var certFile: String?

    @Option(name: .customLong("tls-key"), help: ArgumentHelp("The client certificate's PEM private key.", valueName: "file"))
    var keyFile: String?

    @Flag(name: .customLong("tls-insecure"), help: "Do not verify the backend's certificate (development only).")
    var insecure = false

    func validate() throws {
        if (certFile == nil) != (keyFile == nil) {
            throw ValidationError("--tls-cert and --tls-key go together")
        }
        if let serverName, ThriftClientTLS.isIPAddress(serverName) {
            throw ValidationError("--tls-server-name must be a DNS name, not an IP address")
        }
    }

    /// The client's TLS setting, or nil without any TLS flag. Throws a file's problem, led by its flag.
    func makeTLS() throws(TLSFileError) -> ThriftClientTLS? {
        guard enabled || caFile != nil || serverName != nil || certFile != nil || insecure else { return nil }
        var tls = ThriftClientTLS(serverName: serverName, verifiesCertificates: !insecure)
        var flag = "--tls-ca"
        do {
            if let caFile { tls.trustRoots = try ThriftClientTLS.certificates(pemFile: caFile) }
            if let certFile, let keyFile {
                flag = "--tls-cert"
                tls.certificateChain = try ThriftClientTLS.certificates(pemFile: certFile)
                flag = "--tls-key"
                tls.privateKey = try ThriftClientTLS.privateKey(pemFile: keyFile)
            }
        } catch {
            throw TLSFileError(message: "\(flag): \(error.message)")
        }
        // A key that does not belong to the certificate is bad input too, not a failed call.
        do {
            _ = try tls.makeContext()
        } catch {
            throw TLSFileError(message: "cannot set up TLS: \(error.message)")
        }
        return tls
    }
}
