public import NIOCore

/// One `grpc.reflection.v1.ServerReflectionResponse` (or v1alpha's, the same layout), as far as Sluice reads it.
public enum ReflectionResponse: Sendable, Hashable {
    /// `file_descriptor_response` (field 4): serialized `FileDescriptorProto`s (the file asked for, and the
    /// server may add any of its dependencies).
    case files([[UInt8]])
    /// `list_services_response` (field 6): the services' full names.
    case services([String])
    /// `error_response` (field 7): a gRPC status code (5 is NOT_FOUND) and its message.
    case error(code: Int32, message: String)
    /// No answer Sluice asks for (`all_extension_numbers_response`, or none at all).
    case other

    /// Nested messages (original_request) are skipped, never descended into further than this.
    private static let skipDepth = 16

    /// Decodes one response message; a malformed encoding is a ``ReflectionError`` (`.malformedResponse`).
    public init(decoding message: ByteBuffer) throws(ReflectionError) {
        let decoded = message.withUnsafeReadableBytes { bytes -> Result<ReflectionResponse, ProtobufTranscodeError> in
            var reader = ProtobufWireReader(bytes: bytes, range: 0..<bytes.count)
            do throws(ProtobufTranscodeError) {
                return .success(try Self.read(&reader))
            } catch {
                return .failure(error)
            }
        }
        switch decoded {
        case .success(let response): self = response
        case .failure(let error):
            throw ReflectionError(.malformedResponse, "a reflection response is not valid protobuf: \(error.message)")
        }
    }

    private static func read(_ reader: inout ProtobufWireReader) throws(ProtobufTranscodeError) -> ReflectionResponse {
        var response = ReflectionResponse.other
        // A oneof: the last member written wins, as protobuf parsers have it.
        while !reader.isAtEnd {
            let (number, wireType) = try reader.tag()
            guard wireType == .lengthDelimited, [4, 6, 7].contains(number) else {
                try reader.skip(wireType, number: number, depth: skipDepth)
                continue
            }
            var body = reader.nested(try reader.lengthDelimited())
            switch number {
            case 4:
                var files: [[UInt8]] = []
                while let range = try body.next(lengthDelimited: 1, depth: skipDepth) {
                    files.append(Array(UnsafeRawBufferPointer(rebasing: reader.bytes[range])))
                }
                response = .files(files)
            case 6:
                var names: [String] = []
                while let range = try body.next(lengthDelimited: 1, depth: skipDepth) {
                    var service = reader.nested(range)
                    let name = try service.next(lengthDelimited: 1, depth: skipDepth)
                    names.append(name.map { reader.string($0) } ?? "")
                }
                response = .services(names)
            default:
                var code: Int32 = 0
                var message = ""
                while !body.isAtEnd {
                    let (field, type) = try body.tag()
                    if field == 1 && type == .varint {
                        code = Int32(truncatingIfNeeded: try body.varint())
                    } else if field == 2 && type == .lengthDelimited {
                        message = reader.string(try body.lengthDelimited())
                    } else {
                        try body.skip(type, number: field, depth: skipDepth)
                    }
                }
                response = .error(code: code, message: message)
            }
        }
        return response
    }
}

extension ProtobufWireReader {
    /// A reader of the nested message at `range`.
    fileprivate func nested(_ range: Range<Int>) -> ProtobufWireReader {
        ProtobufWireReader(bytes: bytes, range: range)
    }

    /// The UTF-8 text at `range` (invalid sequences replaced: these are names for messages and lookups).
    fileprivate func string(_ range: Range<Int>) -> String {
        String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }
}
