public import SwiftProtobuf

/// What server reflection found: linked files ready for ``ProtobufSchema/init(files:)``, and every service the
/// server listed.
public struct ReflectedServices: Sendable, Hashable {
    /// Linked, dependencies first, as ``ProtoLoader/linkDescriptorSet(_:path:)`` returns them.
    public var files: [Google_Protobuf_FileDescriptorProto]
    /// Full names, sorted; `grpc.reflection.*` included, though its files are not fetched.
    public var services: [String]

    public init(files: [Google_Protobuf_FileDescriptorProto], services: [String]) {
        self.files = files
        self.services = services
    }
}
