// Why this is hand-written: the gRPC path transcodes every request and response between JSON and protobuf
// for messages known only at run time, and no Swift package does that without building message trees
// (SwiftProtobuf's dynamic support goes through `Message` values and reflection, an allocation per field).
// So descriptors — from protoc's descriptor sets, the `.proto` parser or server reflection, all as
// SwiftProtobuf's `Google_Protobuf_FileDescriptorProto` — are compiled once into the flat tables below,
// and the transcoder runs on those, bytes to bytes.

import SwiftProtobuf

/// Linked protobuf descriptors, compiled for transcoding: flat, immutable, messages and enums referred to by
/// index. Built once per set of files, off the request path; shared by every request.
public final class ProtobufSchema: Sendable {
    public let messages: [ProtobufMessage]
    public let enums: [ProtobufEnum]
    /// Every method of every service, by full name (`pkg.Service.Method`).
    public let methods: [String: ProtobufMethod]
    /// The field, enum and name tables the transcoder reads per value.
    let table: ProtobufFieldTable
    /// `google.protobuf.NullValue`, when the files include it (JSON `null` is its value, not "absent").
    let nullValueEnum: ProtobufEnumID?

    init(
        messages: [ProtobufMessage], enums: [ProtobufEnum], methods: [String: ProtobufMethod],
        nullValueEnum: ProtobufEnumID?
    ) {
        self.messages = messages
        self.enums = enums
        self.methods = methods
        self.nullValueEnum = nullValueEnum
        self.table = ProtobufFieldTable(messages: messages, enums: enums, nullValueEnum: nullValueEnum)
    }

    public subscript(id: ProtobufMessageID) -> ProtobufMessage { messages[id.index] }

    public subscript(id: ProtobufEnumID) -> ProtobufEnum { enums[id.index] }

    /// The message named `fullName` (`pkg.Outer.Inner`, a leading dot allowed), as `Any`'s `@type` names one.
    public func message(named fullName: String) -> ProtobufMessageID? {
        var name = fullName
        return name.withUTF8 { utf8 in
            var bytes = UnsafeRawBufferPointer(utf8)
            if bytes.first == UInt8(ascii: ".") { bytes = UnsafeRawBufferPointer(rebasing: bytes.dropFirst()) }
            return table.message(named: bytes)
        }
    }

    /// The method named `pkg.Service.Method` (a leading dot, or a `/` before the method as in gRPC paths, allowed).
    public func method(named fullName: String) -> ProtobufMethod? {
        var name = fullName
        if name.hasPrefix(".") || name.hasPrefix("/") { name.removeFirst() }
        if let slash = name.lastIndex(of: "/") { name.replaceSubrange(slash...slash, with: ".") }
        return methods[name]
    }
}
