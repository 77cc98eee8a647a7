internal import Foundation
internal import Yams

extension GatewayFile {
    static let accessLogKeys = ["path", "format"]

    /// `access_log: off`, or `access_log: {path: "-" | file, format: json | combined}` (format defaults to json;
    /// a file path is relative to the config file, and its directory must exist).
    static func parseAccessLog(_ node: Node, path: String, reader: inout YAMLReader) -> ListenerAccessLog {
        if let scalar = node.scalar, scalar.string == "off" || scalar.string == "false" { return .off }
        guard let fields = reader.fields(of: node, what: "'access_log' (off, or {path, format})", allowed: accessLogKeys) else {
            return .inherit
        }
        var format = AccessLogSettings.Format.json
        if let field = fields["format"],
            let value = reader.choice(field.value, what: "'access_log.format'", among: AccessLogSettings.Format.allCases.map { ($0.rawValue, $0) })
        {
            format = value
        }
        guard let field = fields["path"] else {
            reader.error(at: node, "'access_log' needs a 'path' (\"-\" for standard output, or a file)")
            return .inherit
        }
        guard let text = reader.string(field.value, what: "'access_log.path'") else { return .inherit }
        if text.isEmpty {
            reader.error(at: field.value, "'access_log.path' must be \"-\" (standard output) or a file path")
            return .inherit
        }
        if text == "-" { return .on(AccessLogSettings(destination: .standardOutput, format: format)) }
        let file = resolve(text, against: path)
        var isDirectory: ObjCBool = false
        let directory = (file as NSString).deletingLastPathComponent
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            reader.error(at: field.value, "the access log's directory \(directory) does not exist")
            return .inherit
        }
        return .on(AccessLogSettings(destination: .file(file), format: format))
    }
}
