internal import Yams

extension GatewayFile {
    static let listenerKeys = ["address", "tls", "http2", "access_log"]
    static let tlsKeys = ["cert", "key", "client_ca", "sni"]
    static let sniKeys = ["server_name", "cert", "key"]
    static let http2Keys = ["max_concurrent_streams", "initial_window", "max_frame_size", "max_resets_per_second"]

    static func parseListeners(
        _ field: (key: Node, value: Node)?, root: Node, path: String, reader: inout YAMLReader
    ) -> [ListenerConfiguration] {
        guard let field else {
            reader.error(at: root, "missing 'listeners' (a list of {address: \"host:port\"})")
            return []
        }
        guard let list = reader.sequence(field.value, what: "'listeners'") else { return [] }
        if list.isEmpty { reader.error(at: field.value, "'listeners' must name at least one listener") }
        var listeners: [ListenerConfiguration] = []
        for node in list {
            guard let fields = reader.fields(of: node, what: "a listener", allowed: listenerKeys) else { continue }
            guard let addressField = fields["address"] else {
                reader.error(at: node, "a listener needs an 'address' (\"host:port\")")
                continue
            }
            guard let text = reader.string(addressField.value, what: "a listener's 'address'") else { continue }
            guard let address = ListenAddress(parsing: text) else {
                reader.error(at: addressField.value, "bad listener address '\(text)' (expected host:port or [v6]:port)")
                continue
            }
            if address.port != 0, listeners.contains(where: { $0.address == address }) {
                reader.error(at: addressField.value, "listener address '\(text)' is listed twice")
                continue
            }
            var listener = ListenerConfiguration(address: address)
            if let tls = fields["tls"] { listener.tls = parseTLS(tls.value, path: path, reader: &reader) }
            if let http2 = fields["http2"] { listener.http2 = parseHTTP2(http2.value, reader: &reader) }
            if let accessLog = fields["access_log"] { listener.accessLog = parseAccessLog(accessLog.value, path: path, reader: &reader) }
            listeners.append(listener)
        }
        return listeners
    }

    /// Reads the block and checks that its files load (a certificate that does not parse, a key that does
    /// not match it), so a bad block is a `file:line:col` error here rather than a failed start later.
    private static func parseTLS(_ node: Node, path: String, reader: inout YAMLReader) -> ListenerTLS? {
        guard let fields = reader.fields(of: node, what: "'tls'", allowed: tlsKeys) else { return nil }
        func file(_ key: String, required: Bool) -> String? {
            guard let field = fields[key] else {
                if required { reader.error(at: node, "'tls' needs '\(key)' (a PEM file)") }
                return nil
            }
            return reader.string(field.value, what: "'\(key)'").map { resolve($0, against: path) }
        }
        let certificate = file("cert", required: true)
        let key = file("key", required: true)
        let clientCA = file("client_ca", required: false)
        var serverNames: [ListenerTLS.NamedCertificate] = []
        if let sni = fields["sni"], let list = reader.sequence(sni.value, what: "'sni'") {
            for entry in list {
                guard let entryFields = reader.fields(of: entry, what: "an 'sni' entry", allowed: sniKeys) else { continue }
                guard let nameField = entryFields["server_name"], let certField = entryFields["cert"], let keyField = entryFields["key"]
                else {
                    reader.error(at: entry, "an 'sni' entry needs 'server_name', 'cert' and 'key'")
                    continue
                }
                guard let name = reader.string(nameField.value, what: "'server_name'"),
                    let cert = reader.string(certField.value, what: "'cert'"),
                    let key = reader.string(keyField.value, what: "'key'")
                else { continue }
                guard ListenerTLS.NamedCertificate.isValidPattern(name) else {
                    reader.error(at: nameField.value, "bad server name '\(name)' (expected a DNS name such as api.example.test or *.example.test)")
                    continue
                }
                if serverNames.contains(where: { $0.serverName.lowercased() == name.lowercased() }) {
                    reader.error(at: nameField.value, "server name '\(name)' is listed twice")
                    continue
                }
                let named = ListenerTLS.NamedCertificate(
                    serverName: name, certificate: resolve(cert, against: path), key: resolve(key, against: path))
                if let problem = TLSMaterial.problem(certificate: named.certificate, key: named.key) {
                    reader.error(at: entry, problem)
                    continue
                }
                serverNames.append(named)
            }
        }
        guard let certificate, let key else { return nil }
        let tls = ListenerTLS(certificate: certificate, key: key, clientCA: clientCA, serverNames: serverNames)
        if let problem = TLSMaterial.problem(certificate: certificate, key: key) {
            reader.error(at: node, problem)
            return nil
        }
        if let clientCA, let problem = TLSMaterial.problem(trustRoots: clientCA) {
            reader.error(at: fields["client_ca"]?.value ?? node, problem)
            return nil
        }
        return tls
    }

    private static func parseHTTP2(_ node: Node, reader: inout YAMLReader) -> HTTP2Limits {
        var limits = HTTP2Limits()
        guard let fields = reader.fields(of: node, what: "'http2'", allowed: http2Keys) else { return limits }
        if let field = fields["max_concurrent_streams"],
            let value = reader.int(field.value, what: "'max_concurrent_streams'", range: 1...100_000)
        {
            limits.maxConcurrentStreams = value
        }
        if let field = fields["initial_window"], let value = reader.size(field.value, what: "'initial_window'") {
            if HTTP2Limits.windowRange.contains(value) {
                limits.initialWindow = value
            } else {
                reader.error(at: field.value, "'initial_window' must be between 1 byte and 2 GiB - 1")
            }
        }
        if let field = fields["max_frame_size"], let value = reader.size(field.value, what: "'max_frame_size'") {
            if HTTP2Limits.frameSizeRange.contains(value) {
                limits.maxFrameSize = value
            } else {
                reader.error(at: field.value, "'max_frame_size' must be between 16KiB and 16MiB - 1 (RFC 9113 §6.5.2)")
            }
        }
        if let field = fields["max_resets_per_second"],
            let value = reader.int(field.value, what: "'max_resets_per_second'", range: 1...1_000_000)
        {
            limits.maxResetsPerSecond = value
        }
        return limits
    }
}
