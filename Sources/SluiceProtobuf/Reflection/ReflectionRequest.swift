// Why hand-written: Sluice asks three questions of grpc.reflection and reads four kinds of answer, a handful of
// fields; generated code for reflection.proto would bring the protoc plugin into the build for them. The
// module's own wire writer and reader (the transcoder's) encode and decode them in a page.

public import NIOCore

/// One `grpc.reflection.v1.ServerReflectionRequest`, the questions Sluice asks. `grpc.reflection.v1alpha`'s
/// message has the same fields and numbers; only the service path differs.
public enum ReflectionRequest: Sendable, Hashable {
    /// `list_services` (field 7).
    case listServices
    /// `file_containing_symbol` (field 4): the file that defines a fully-qualified service, message, ....
    case fileContainingSymbol(String)
    /// `file_by_filename` (field 3): a file by its import name (`google/protobuf/timestamp.proto`).
    case fileByFilename(String)

    /// The encoded message; `host` (field 1) is written when not empty.
    public func encoded(host: String = "", allocator: ByteBufferAllocator = ByteBufferAllocator()) -> ByteBuffer {
        var writer = ProtobufWireWriter(buffer: allocator.buffer(capacity: 64))
        if !host.isEmpty { writer.string(1, host) }
        switch self {
        // The content "will not be checked" (reflection.proto); "*" is what grpcurl and grpc-go's client send.
        case .listServices: writer.string(7, "*")
        case .fileContainingSymbol(let symbol): writer.string(4, symbol)
        case .fileByFilename(let name): writer.string(3, name)
        }
        return writer.buffer
    }
}

extension ProtobufWireWriter {
    /// A string field, written even when empty (a oneof member is present by being written).
    fileprivate mutating func string(_ number: Int32, _ value: String) {
        tag(number, .lengthDelimited)
        varint(UInt64(value.utf8.count))
        buffer.writeString(value)
    }
}
