import Foundation
import SluiceThrift
@testable import SluiceGateway

/// Loads YAML route files from a temp dir against ``TestSchemas/echo`` for any `*.thrift` path that exists
/// in the fake file system `idls` (path suffix -> schema).
struct ConfigFixture {
    var files: [String: String]
    var idls: [String: ThriftSchema] = ["echo.thrift": TestSchemas.echo()]
    var idlErrors: [String: ConfigDiagnostic] = [:]

    init(_ files: [String: String]) { self.files = files }

    func run() throws -> (configuration: GatewayConfiguration?, diagnostics: [String], directory: String) {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        for (name, text) in files { try directory.write(name, text) }
        let idls = self.idls
        let idlErrors = self.idlErrors
        let loader = SchemaLoader { path, _ throws(ConfigErrors) in
            let name = (path as NSString).lastPathComponent
            if let error = idlErrors[name] { throw ConfigErrors([error]) }
            guard var schema = idls[name] else {
                throw ConfigErrors([ConfigDiagnostic(file: path, line: 0, column: 0, message: "no such file")])
            }
            schema.rootFile = path
            return schema
        }
        let result = RouteConfigLoader.build(directory: directory.path, includeDirectories: [], schemaLoader: loader)
        // Diagnostics name files by their full temp path; tests compare the part after the directory.
        let prefix = directory.path + "/"
        let diagnostics = result.diagnostics.map { $0.description.replacingOccurrences(of: prefix, with: "") }
        return (result.diagnostics.isEmpty ? result.configuration : nil, diagnostics, directory.path)
    }
}

/// The echo service block used by most fixtures (lines 1-7).
let echoServiceYAML = """
services:
  - name: echo
    idl: echo.thrift
    transport: ttheader
    codec: binary
    endpoints: ["127.0.0.1:9090"]
    timeout: 1s

"""
