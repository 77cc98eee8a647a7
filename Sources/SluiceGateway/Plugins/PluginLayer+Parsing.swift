internal import Foundation
internal import Yams

extension PluginLayer {
    /// Reads a `plugins:` mapping (a route's, a service's or the gateway config's); relative file names
    /// resolve against `directory`. nil when anything in it is wrong, every problem reported where it is.
    /// `routeLevel`: a route's own section, the only one whose `jwt_auth` may bind claims to its call's fields.
    static func parse(_ node: Node, directory: String, routeLevel: Bool = false, reader: inout YAMLReader) -> PluginLayer? {
        let names = PluginName.allCases.map(\.rawValue)
        guard let fields = reader.fields(of: node, what: "'plugins'", allowed: names, suggesting: true) else { return nil }
        var layer = PluginLayer()
        var valid = fields.count == node.mapping?.count
        for name in PluginName.allCases {
            guard let field = fields[name.rawValue] else { continue }
            if field.value.tag.description == Tag.Name.bool.rawValue || field.value.scalar?.string == "off" {
                guard field.value.bool == false || field.value.scalar?.string == "off" else {
                    reader.error(at: field.value, "plugin '\(name.rawValue)' takes its settings (a mapping), or false or off to switch it off")
                    valid = false
                    continue
                }
                layer.entries[name] = .off
                continue
            }
            var plugin = PluginReader(reader: reader, directory: directory)
            let setting = plugin.read(name, field.value)
            reader = plugin.reader
            layer.files += plugin.files
            if case .jwtAuth(let settings) = setting, !routeLevel, let first = settings.claimFields.first {
                reader.error(at: first.origin, "'claims' fills fields of one route's call: set it in the route's own jwt_auth (claim_headers works anywhere)")
                valid = false
                continue
            }
            if let setting { layer.entries[name] = setting } else { valid = false }
        }
        return valid ? layer : nil
    }
}

/// Reads one plugin's settings; each plugin's own reader is an extension (`KeyAuthSettings+Parsing`, ...).
struct PluginReader {
    var reader: YAMLReader
    let directory: String
    /// Files read on the way (key files).
    var files: [String] = []

    mutating func read(_ name: PluginName, _ node: Node) -> PluginSetting? {
        switch name {
        case .ipRestriction: ipRestriction(node).map(PluginSetting.ipRestriction)
        case .cors: cors(node).map(PluginSetting.cors)
        case .requestSize: reader.size(node, what: "'request_size'").map(PluginSetting.requestSize)
        case .requestTimeout: reader.duration(node, what: "'request_timeout'").map(PluginSetting.requestTimeout)
        case .keyAuth: keyAuth(node).map(PluginSetting.keyAuth)
        case .jwtAuth: jwtAuth(node).map(PluginSetting.jwtAuth)
        case .headers: headers(node).map(PluginSetting.headers)
        case .envelope: envelope(node).map(PluginSetting.envelope)
        }
    }

    /// A string or a list of strings.
    mutating func strings(_ node: Node, what: String) -> [String]? {
        if node.scalar != nil { return reader.string(node, what: what).map { [$0] } }
        guard let list = reader.sequence(node, what: what) else { return nil }
        var result: [String] = []
        for item in list {
            guard let text = reader.string(item, what: "an entry of \(what)") else { return nil }
            result.append(text)
        }
        return result
    }

    /// A header field name: an RFC 9110 token.
    mutating func headerName(_ node: Node, what: String) -> String? {
        guard let name = reader.string(node, what: what) else { return nil }
        guard !name.isEmpty, name.utf8.allSatisfy(HTTP1ResponseSerializer.isTokenByte) else {
            reader.error(at: node, "\(what) '\(name)' is not a header name")
            return nil
        }
        return name.lowercased()
    }

    /// `path` against the route file's directory, when relative.
    func resolve(_ path: String) -> String {
        RouteFile.resolve(path, against: directory)
    }
}
