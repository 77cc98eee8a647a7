public import SluiceProtobuf
public import SwiftProtobuf

/// A gRPC service's descriptors: the linked files (whose method options carry `google.api.http`) and the
/// schema the transcoder reads.
public struct ProtobufIDL: Sendable {
    public var files: [Google_Protobuf_FileDescriptorProto]
    /// The files whose services `routes_from_idl` and `auto_routes` expose: the `.proto` file named (not
    /// its imports), or every file of a descriptor set or a reflection answer.
    public var rootFiles: Set<String>
    public var schema: ProtobufSchema

    /// Links `files`, adding the embedded `google/rpc` files a status's details need when they are absent.
    public init(files given: [Google_Protobuf_FileDescriptorProto], rootFiles: Set<String>, origin: String) throws(ConfigErrors) {
        let files: [Google_Protobuf_FileDescriptorProto]
        do throws(ProtoIDLError) {
            files = try ProtobufSchema.addingRPCStatusFiles(to: given)
        } catch {
            throw ConfigErrors([ConfigDiagnostic(file: origin, line: 0, column: 0, message: "the embedded google/rpc files: \(error)")])
        }
        do throws(ProtobufSchemaError) {
            self.schema = try ProtobufSchema(files: files)
        } catch {
            throw ConfigErrors([ConfigDiagnostic(file: origin, line: 0, column: 0, message: "unusable descriptors: \(error)")])
        }
        self.files = files
        self.rootFiles = rootFiles
    }

    /// `.proto` text (with `import_paths`) or a descriptor set; reflection needs the network, so its
    /// descriptors come fetched (``SchemaLoader/withReflected(_:)``).
    @Sendable
    public static func load(_ service: ServiceConfiguration) throws(ConfigErrors) -> ProtobufIDL {
        let path = service.idlPath
        let loader = ProtoLoader(importPaths: service.grpc.importPaths)
        guard service.grpc.idlSource != .reflection else {
            throw ConfigErrors([ConfigDiagnostic(
                file: path, line: 0, column: 0, message: "the descriptors of service '\(service.name)' were not fetched")])
        }
        let files: [Google_Protobuf_FileDescriptorProto]
        do throws(ProtoIDLError) {
            files = service.grpc.idlSource == .proto ? try loader.load(file: path) : try loader.loadDescriptorSet(file: path)
        } catch {
            let location = error.location
            // A file that cannot be read is reported at the route file's `idl:` (line 0 for `path` itself).
            let file = location.line == 0 && location.file == path ? path : location.file
            throw ConfigErrors([ConfigDiagnostic(file: file, line: location.line, column: location.column, message: error.message)])
        }
        let roots: Set<String> = service.grpc.idlSource == .proto ? Set(files.last.map { [$0.name] } ?? []) : Set(files.map(\.name))
        return try ProtobufIDL(files: files, rootFiles: roots, origin: path)
    }
}
