// Why hand-written: no Swift package parses `.proto` text at run time. SwiftProtobuf carries the descriptor
// types but only reads descriptors protoc made; protoc (C++) and grpc-swift's plugins generate code ahead of
// time. Sluice loads `.proto` files when it loads its route files, with no build step, so it needs its own
// front end; its output is protoc's, checked by a differential test against protoc.
//
// Pipeline: ProtoLexer (UTF-8 bytes -> tokens with positions) -> ProtoParser (tokens -> FileDescriptorProto
// with names as written, plus locations and option statements) -> ProtoLoadSession (imports, cycles,
// embedded well-known files) -> ProtoLinker (names, options, checks) -> linked FileDescriptorProtos.
// Descriptor sets enter at the linker.

import SwiftProtobuf

/// Loads `.proto` files with their imports, or a `FileDescriptorSet` file, into linked
/// `FileDescriptorProto`s equal to what `protoc --descriptor_set_out --include_imports` writes (without
/// `source_code_info`), dependencies first.
///
/// Imports are looked up in each import path in order, then among the embedded well-known files
/// (``WellKnownProtos``: `google/protobuf/*.proto`, `google/api/annotations.proto` and `http.proto`,
/// `google/rpc/status.proto`, `error_details.proto` and `code.proto`), so a file of the same name in an
/// import path wins over the embedded one.
public struct ProtoLoader: Sendable {
    public var importPaths: [String]
    public var source: ProtoFileSource

    static let descriptorProtoName = "google/protobuf/descriptor.proto"

    public init(importPaths: [String], source: ProtoFileSource = .fileSystem) {
        self.importPaths = importPaths
        self.source = source
    }

    /// Loads `file` (a path; named, as protoc names it, relative to the import path that contains it, or by
    /// its file name if none does, its directory then serving as the last import path) and its imports.
    /// A well-known file's import name (`google/protobuf/struct.proto`) loads the embedded file when no
    /// such path exists.
    public func load(file: String) throws(ProtoIDLError) -> [Google_Protobuf_FileDescriptorProto] {
        let path = ProtoPath.normalize(file)
        var paths = importPaths.map(ProtoPath.normalize)
        var name: String?
        for importPath in paths {
            let prefix = importPath == "." ? "" : importPath + "/"
            if path.hasPrefix(prefix) && !prefix.isEmpty || (importPath == "." && !path.hasPrefix("/")) {
                name = String(path.dropFirst(prefix.count))
                break
            }
        }
        if name == nil {
            paths.append(ProtoPath.directory(of: path))
            name = path.split(separator: "/").last.map(String.init) ?? path
        }
        if source.read(path) == nil, WellKnownProtos.byName[path] != nil {
            var session = ProtoLoadSession(importPaths: importPaths, source: source)
            try session.load(name: path, path: path, bytes: nil, importedAt: nil)
            return try session.link()
        }
        guard let bytes = source.read(path), let name else {
            throw ProtoIDLError(location: ProtoSourceLocation(file: file, line: 0, column: 0), message: "cannot read .proto file '\(file)'")
        }
        var session = ProtoLoadSession(importPaths: paths, source: source)
        try session.load(name: name, path: file, bytes: bytes, importedAt: nil)
        return try session.link()
    }

    /// Reads a `FileDescriptorSet` (`protoc --descriptor_set_out`, `.pb`/`.desc`/`.binpb`) and links it
    /// with the same checks as `.proto` text. Dependencies the set leaves out are taken from the embedded
    /// well-known files when they are among them.
    public func loadDescriptorSet(file: String) throws(ProtoIDLError) -> [Google_Protobuf_FileDescriptorProto] {
        guard let bytes = source.read(file) else {
            throw ProtoIDLError(location: ProtoSourceLocation(file: file, line: 0, column: 0), message: "cannot read descriptor set '\(file)'")
        }
        return try Self.linkDescriptorSet(bytes, path: file)
    }

    /// As ``loadDescriptorSet(file:)``, for bytes in hand; `path` names them in errors.
    public static func linkDescriptorSet(_ bytes: [UInt8], path: String) throws(ProtoIDLError) -> [Google_Protobuf_FileDescriptorProto] {
        let set: Google_Protobuf_FileDescriptorSet
        do {
            set = try Google_Protobuf_FileDescriptorSet(serializedBytes: bytes)
        } catch {
            throw ProtoIDLError(location: ProtoSourceLocation(file: path, line: 0, column: 0), message: "not a FileDescriptorSet: \(error)")
        }
        var session = ProtoLoadSession(importPaths: [], source: ProtoFileSource { _ in nil })
        for var file in set.file {
            file.clearSourceCodeInfo()
            guard file.hasName, !file.name.isEmpty else {
                throw ProtoIDLError(location: ProtoSourceLocation(file: path, line: 0, column: 0), message: "a file of the descriptor set has no name")
            }
            session.provided[file.name] = ProtoParsedFile(descriptor: file, path: "\(path) (\(file.name))")
        }
        for file in set.file { try session.load(name: file.name, path: path, bytes: nil, importedAt: nil) }
        return try session.link()
    }
}
