internal import Foundation
internal import SluiceThrift
internal import Yams

extension PluginReader {
    static let keyAuthKeys = ["header", "query", "keys", "keys_file", "consumer_header", "consumers", "hide_credentials"]

    mutating func keyAuth(_ node: Node) -> KeyAuthSettings? {
        guard let fields = reader.fields(of: node, what: "'key_auth'", allowed: Self.keyAuthKeys, suggesting: true) else { return nil }
        var valid = true
        var settings = KeyAuthSettings(header: nil, query: nil, consumers: [:], consumerHeader: nil, allowedConsumers: nil, hideCredentials: false)
        if let field = fields["header"] {
            settings.header = headerName(field.value, what: "'header'")
            valid = settings.header != nil && valid
        }
        if let field = fields["query"] {
            settings.query = reader.string(field.value, what: "'query'")
            valid = settings.query != nil && valid
        }
        if settings.header == nil && settings.query == nil { settings.header = "x-api-key" }
        if let field = fields["consumer_header"] {
            settings.consumerHeader = headerName(field.value, what: "'consumer_header'")
            valid = settings.consumerHeader != nil && valid
        }
        if let field = fields["consumers"] {
            settings.allowedConsumers = strings(field.value, what: "'consumers'")
            valid = settings.allowedConsumers != nil && valid
        }
        if let field = fields["hide_credentials"] {
            if let value = reader.bool(field.value, what: "'hide_credentials'") { settings.hideCredentials = value } else { valid = false }
        }
        if let field = fields["keys"] {
            valid = Self.keyList(field.value, into: &settings.consumers, reader: &reader, hashed: false) && valid
        }
        if let field = fields["keys_file"], let path = reader.string(field.value, what: "'keys_file'") {
            let file = resolve(path)
            files.append(file)
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                reader.error(at: field.value, "cannot read keys file '\(file)'")
                return nil
            }
            var keysReader = YAMLReader(file: file)
            valid = Self.keysFile(text, into: &settings.consumers, reader: &keysReader) && valid
            for problem in keysReader.diagnostics { reader.error(at: ConfigOrigin(file: problem.file, line: problem.line, column: problem.column), problem.message) }
        } else if fields["keys_file"] != nil {
            valid = false
        }
        if valid && settings.consumers.isEmpty {
            reader.error(at: node, "'key_auth' needs at least one key ('keys' or 'keys_file')")
            valid = false
        }
        return valid ? settings : nil
    }

    /// A keys file: `keys:` entries of `{sha256: <64 hex digits>, consumer: <name>}`, so no key is stored in the clear.
    private static func keysFile(_ text: String, into consumers: inout [KeyDigest: String], reader: inout YAMLReader) -> Bool {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            reader.error(at: yamlErrorOrigin(error, file: reader.file), yamlErrorMessage(error))
            return false
        }
        guard let root, let fields = reader.fields(of: root, what: "a keys file", allowed: ["keys"]), let list = fields["keys"] else {
            if root != nil, reader.diagnostics.isEmpty { reader.error(at: ConfigOrigin(file: reader.file, line: 1, column: 1), "a keys file needs 'keys'") }
            if root == nil { reader.error(at: ConfigOrigin(file: reader.file, line: 1, column: 1), "the keys file is empty") }
            return false
        }
        return keyList(list.value, into: &consumers, reader: &reader, hashed: true)
    }

    /// Entries of `{key, consumer}` (inline) or `{sha256, consumer}` (a keys file, and inline too).
    private static func keyList(_ node: Node, into consumers: inout [KeyDigest: String], reader: inout YAMLReader, hashed: Bool) -> Bool {
        guard let list = reader.sequence(node, what: "'keys'") else { return false }
        var valid = true
        for entry in list {
            let allowed = hashed ? ["sha256", "consumer"] : ["key", "sha256", "consumer"]
            guard let fields = reader.fields(of: entry, what: "a key entry", allowed: allowed) else {
                valid = false
                continue
            }
            guard let consumerField = fields["consumer"], let consumer = reader.string(consumerField.value, what: "'consumer'"), !consumer.isEmpty else {
                if fields["consumer"] == nil { reader.error(at: entry, "a key entry needs 'consumer' (the name the key stands for)") }
                valid = false
                continue
            }
            let digest: KeyDigest
            if let field = fields["key"], fields["sha256"] == nil {
                guard let key = reader.string(field.value, what: "'key'"), !key.isEmpty else {
                    valid = false
                    continue
                }
                digest = KeyDigest(key: key)
            } else if let field = fields["sha256"], fields["key"] == nil {
                guard let hex = reader.string(field.value, what: "'sha256'"), let value = KeyDigest(hex: hex) else {
                    if field.value.scalar != nil { reader.error(at: field.value, "'sha256' must be 64 hex digits (sha256sum of the key)") }
                    valid = false
                    continue
                }
                digest = value
            } else {
                reader.error(at: entry, hashed ? "a key entry needs 'sha256'" : "a key entry needs one of 'key' or 'sha256'")
                valid = false
                continue
            }
            if let other = consumers[digest], other != consumer {
                reader.error(at: entry, "this key is already consumer '\(other)''s")
                valid = false
                continue
            }
            consumers[digest] = consumer
        }
        return valid
    }
}
