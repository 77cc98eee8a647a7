import SwiftProtobuf

extension ProtobufSchema {
    /// The embedded `google/rpc/status.proto`, `error_details.proto` and `code.proto`, with their imports,
    /// linked once per process.
    private static let rpcStatusFiles: Result<[Google_Protobuf_FileDescriptorProto], ProtoIDLError> = {
        let loader = ProtoLoader(importPaths: [], source: ProtoFileSource { _ in nil })
        var files: [Google_Protobuf_FileDescriptorProto] = []
        do throws(ProtoIDLError) {
            for name in ["google/rpc/status.proto", "google/rpc/error_details.proto", "google/rpc/code.proto"] {
                for file in try loader.load(file: name) where !files.contains(where: { $0.name == file.name }) {
                    files.append(file)
                }
            }
        } catch {
            return .failure(error)
        }
        return .success(files)
    }()

    /// `files` and, for what they lack, the embedded `google/rpc` files (`status.proto`, `error_details.proto`,
    /// `code.proto`, and the `google/protobuf` files they import): a schema built from the result resolves a
    /// gRPC status's details of the standard types (`google.rpc.BadRequest`, `ErrorInfo`, ...) whatever the
    /// user's files import, for ``ProtobufStatusJSON``.
    ///
    /// An embedded file is left out when `files` have one of the same name, or one defining any of its
    /// top-level types (a copy under another path), so the schema never sees a type twice.
    public static func addingRPCStatusFiles(
        to files: [Google_Protobuf_FileDescriptorProto]
    ) throws(ProtoIDLError) -> [Google_Protobuf_FileDescriptorProto] {
        let embedded = try rpcStatusFiles.get()
        var names = Set(files.map(\.name))
        var types = Set(files.flatMap { topLevelTypes(of: $0) })
        var result = files
        for file in embedded where !names.contains(file.name) {
            let declared = topLevelTypes(of: file)
            if declared.contains(where: types.contains) { continue }
            result.append(file)
            names.insert(file.name)
            types.formUnion(declared)
        }
        return result
    }

    private static func topLevelTypes(of file: Google_Protobuf_FileDescriptorProto) -> [String] {
        let prefix = file.package.isEmpty ? "" : file.package + "."
        return file.messageType.map { prefix + $0.name } + file.enumType.map { prefix + $0.name }
    }
}
