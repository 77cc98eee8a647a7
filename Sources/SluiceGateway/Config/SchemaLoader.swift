internal import Foundation
public import SluiceThrift

/// Loads the IDL a service names. A seam so configuration can be validated against schemas from any
/// source (the Thrift IDL parser, `.proto` files and descriptor sets, descriptors fetched by reflection;
/// in-memory schemas in tests).
public struct SchemaLoader: Sendable {
    /// Throws every problem found. A diagnostic at line 0 for `path` itself means the file is not there,
    /// which the route file is reported for, at its `idl:` value.
    let load: @Sendable (_ path: String, _ includeDirectories: [String]) throws(ConfigErrors) -> ThriftSchema
    /// A `protocol: grpc` service's descriptors; same error convention.
    let loadProtobuf: @Sendable (_ service: ServiceConfiguration) throws(ConfigErrors) -> ProtobufIDL

    public init(
        _ load: @escaping @Sendable (_ path: String, _ includeDirectories: [String]) throws(ConfigErrors) -> ThriftSchema,
        protobuf: @escaping @Sendable (_ service: ServiceConfiguration) throws(ConfigErrors) -> ProtobufIDL = ProtobufIDL.load
    ) {
        self.load = load
        self.loadProtobuf = protobuf
    }

    /// This loader, with what asking `idl: reflection` services gave (descriptors or why not), by service name.
    public func withReflected(_ reflected: [String: Result<ProtobufIDL, ConfigErrors>]) -> SchemaLoader {
        let loadProtobuf = self.loadProtobuf
        return SchemaLoader(load) { service throws(ConfigErrors) in
            if service.grpc.idlSource == .reflection, let result = reflected[service.name] { return try result.get() }
            return try loadProtobuf(service)
        }
    }

    /// `.thrift` files through ``ThriftIDL``; includes relative to the including file, then `includeDirectories`.
    public static let thriftIDL = SchemaLoader { path, includeDirectories throws(ConfigErrors) in
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw ConfigErrors([ConfigDiagnostic(file: path, line: 0, column: 0, message: "no such readable file")])
        }
        do throws(ThriftIDLError) {
            return try ThriftIDL.load(path: path, includeDirectories: includeDirectories)
        } catch {
            // Loading stops at the first error; `sluice check` wants them all.
            let all = ThriftIDL.diagnose(path: path, includeDirectories: includeDirectories)
            throw ConfigErrors((all.isEmpty ? [error] : all).map {
                ConfigDiagnostic(file: $0.location.file, line: $0.location.line, column: $0.location.column, message: $0.message)
            })
        }
    }
}
