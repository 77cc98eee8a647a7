internal import Foundation
internal import NIOSSL
internal import SluiceClient
internal import Yams

extension RouteFile {
    static let tlsKeys = ["ca", "server_name", "cert", "key", "insecure_skip_verify"]

    /// A service's `tls:` block, its files read and parsed now so that a bad one fails the load (and a reload
    /// keeps the running configuration). Nil when anything is wrong, each problem reported at its position.
    /// `insecure_skip_verify: true` loads, with a warning in `notes`.
    static func parseTLS(
        _ node: Node,
        service: String?,
        directory: String,
        reader: inout YAMLReader,
        notes: inout [ConfigDiagnostic]
    ) -> ThriftClientTLS? {
        guard let fields = reader.fields(of: node, what: "'tls'", allowed: tlsKeys) else { return nil }
        var valid = true
        var tls = ThriftClientTLS()
        if let field = fields["ca"] {
            tls.trustRoots = certificates(field.value, what: "'ca'", directory: directory, reader: &reader)
            valid = tls.trustRoots != nil && valid
        }
        if let field = fields["server_name"] {
            tls.serverName = serverName(field.value, reader: &reader)
            valid = tls.serverName != nil && valid
        }
        if let field = fields["cert"] {
            let chain = certificates(field.value, what: "'cert'", directory: directory, reader: &reader)
            tls.certificateChain = chain ?? []
            valid = chain != nil && valid
        }
        if let field = fields["key"] {
            tls.privateKey = privateKey(field.value, directory: directory, reader: &reader)
            valid = tls.privateKey != nil && valid
        }
        switch (fields["cert"], fields["key"]) {
        case (let cert?, nil):
            reader.error(at: cert.key, "'cert' needs 'key' (the client certificate's private key)")
            valid = false
        case (nil, let key?):
            reader.error(at: key.key, "'key' needs 'cert' (the client certificate it belongs to)")
            valid = false
        default:
            break
        }
        if let field = fields["insecure_skip_verify"] {
            if let skip = reader.bool(field.value, what: "'insecure_skip_verify'") {
                tls.verifiesCertificates = !skip
                if skip {
                    notes.append(
                        reader.origin(of: field.key).diagnostic(
                            "warning: service '\(service ?? "")' does not verify its backends' certificates (insecure_skip_verify: true); anyone between Sluice and them can read and change its calls"
                        ))
                }
            } else {
                valid = false
            }
        }
        guard valid else { return nil }
        // What the parts cannot show alone: a key that does not belong to the certificate, unreadable system roots.
        do {
            _ = try tls.makeContext()
        } catch {
            let at = fields["key"]?.value ?? node
            reader.error(at: at, "cannot set up TLS: \(error.message)")
            return nil
        }
        return tls
    }

    private static func serverName(_ node: Node, reader: inout YAMLReader) -> String? {
        guard let name = reader.string(node, what: "'server_name'") else { return nil }
        if ThriftClientTLS.isIPAddress(name) {
            reader.error(
                at: node,
                "'server_name' must be a DNS name, not an IP address (an IP endpoint is verified against the certificate's IP addresses without it)"
            )
            return nil
        }
        guard !name.isEmpty, name.utf8.count <= 253, !name.contains(where: { $0.isWhitespace || $0 == "/" || $0 == ":" }) else {
            reader.error(at: node, "bad 'server_name' '\(name)' (expected a DNS name such as backend.example.com)")
            return nil
        }
        return name
    }

    /// The PEM certificates of the file `node` names, relative to the route file's directory.
    private static func certificates(
        _ node: Node, what: String, directory: String, reader: inout YAMLReader
    ) -> [NIOSSLCertificate]? {
        guard let path = filePath(node, what: what, directory: directory, reader: &reader) else { return nil }
        do {
            return try ThriftClientTLS.certificates(pemFile: path)
        } catch {
            reader.error(at: node, "\(what): \(error.message)")
            return nil
        }
    }

    private static func privateKey(_ node: Node, directory: String, reader: inout YAMLReader) -> NIOSSLPrivateKey? {
        guard let path = filePath(node, what: "'key'", directory: directory, reader: &reader) else { return nil }
        do {
            return try ThriftClientTLS.privateKey(pemFile: path)
        } catch {
            reader.error(at: node, "'key': \(error.message)")
            return nil
        }
    }

    private static func filePath(_ node: Node, what: String, directory: String, reader: inout YAMLReader) -> String? {
        guard let text = reader.string(node, what: what) else { return nil }
        guard !text.isEmpty else {
            reader.error(at: node, "\(what) must name a file")
            return nil
        }
        return resolve(text, against: directory)
    }

    /// `path` as written, or against the route file's directory when relative (as `idl:` is).
    static func resolve(_ path: String, against directory: String) -> String {
        let joined = path.hasPrefix("/") ? path : (directory as NSString).appendingPathComponent(path)
        return (joined as NSString).standardizingPath
    }
}
