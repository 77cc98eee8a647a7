import NIOCore
import SwiftProtobuf
import Testing

@testable import SluiceProtobuf

/// The reflection walk without I/O: questions out, answers in, as a grpcio reflection server gives them.
@Suite struct ReflectionResolutionTests {
    static let texts = [
        "dep.proto": "syntax = \"proto3\"; package pkg; message Dep { string id = 1; }",
        "a.proto": """
        syntax = "proto3"; package pkg; import "dep.proto"; import "google/protobuf/timestamp.proto";
        message Req { Dep dep = 1; google.protobuf.Timestamp at = 2; }
        service A { rpc Get(Req) returns (Dep); }
        """,
        "b.proto": """
        syntax = "proto3"; package pkg; import "dep.proto";
        service B { rpc Put(stream Dep) returns (stream Dep); }
        """,
    ]

    /// `name` as a reflection server sends it: linked, serialized.
    static func file(_ name: String) throws -> [UInt8] {
        let files = try ProtoLoader(importPaths: ["."], source: .inMemory(texts)).load(file: name)
        return try #require(files.last { $0.name == name }).serializedBytes()
    }

    static let listed = ReflectionResponse.services(["pkg.B", "grpc.reflection.v1alpha.ServerReflection", "pkg.A"])

    @Test("services, their files, then missing dependencies; a well-known one the server lacks comes embedded")
    func walk() throws {
        var resolution = ReflectionResolution(source: "test")
        #expect(resolution.start() == .send(.listServices))
        #expect(resolution.receive(Self.listed) == .send(.fileContainingSymbol("pkg.A")))
        #expect(resolution.receive(.files([try Self.file("a.proto")])) == .send(.fileContainingSymbol("pkg.B")))
        // b.proto comes with dep.proto, unasked: it is not asked for again.
        let afterB = resolution.receive(.files([try Self.file("b.proto"), try Self.file("dep.proto")]))
        #expect(afterB == .send(.fileByFilename("google/protobuf/timestamp.proto")))
        guard case .finished(let result) = resolution.receive(.error(code: 5, message: "not found")) else {
            Issue.record("the walk did not finish")
            return
        }
        #expect(result.services == ["grpc.reflection.v1alpha.ServerReflection", "pkg.A", "pkg.B"])
        #expect(result.files.map(\.name) == ["dep.proto", "google/protobuf/timestamp.proto", "a.proto", "b.proto"])
        let schema = try ProtobufSchema(files: result.files)
        #expect(schema.method(named: "pkg.B.Put")?.clientStreaming == true)
    }

    @Test("a dependency asked for by name is fetched, and a service already defined is not asked for")
    func dependenciesByName() throws {
        var resolution = ReflectionResolution(source: "test")
        _ = resolution.start()
        _ = resolution.receive(.services(["pkg.A"]))
        #expect(resolution.receive(.files([try Self.file("a.proto")])) == .send(.fileByFilename("dep.proto")))
        #expect(
            resolution.receive(.files([try Self.file("dep.proto")]))
                == .send(.fileByFilename("google/protobuf/timestamp.proto")))
        let timestamp = try ProtoLoader(importPaths: []).load(file: "google/protobuf/timestamp.proto")
        let action = resolution.receive(.files(try timestamp.map { try $0.serializedBytes() }))
        guard case .finished(let result) = action else {
            Issue.record("expected the end, got \(action)")
            return
        }
        #expect(result.files.map(\.name) == ["dep.proto", "google/protobuf/timestamp.proto", "a.proto"])
    }

    @Test("only reflection listed: nothing to fetch, yet listed")
    func onlyReflection() {
        var resolution = ReflectionResolution(source: "test")
        _ = resolution.start()
        #expect(
            resolution.receive(.services(["grpc.reflection.v1.ServerReflection"]))
                == .finished(ReflectedServices(files: [], services: ["grpc.reflection.v1.ServerReflection"])))
    }

    @Test("error answers end the walk naming the service or the file and its importer")
    func errors() throws {
        var listing = ReflectionResolution(source: "test")
        _ = listing.start()
        expectFailure(listing.receive(.error(code: 12, message: "no")), .errorResponse, containing: "list its services")

        var symbol = ReflectionResolution(source: "test")
        _ = symbol.start()
        _ = symbol.receive(.services(["pkg.A"]))
        expectFailure(symbol.receive(.error(code: 5, message: "no")), .errorResponse, containing: "service \"pkg.A\"")

        var dependency = ReflectionResolution(source: "test")
        _ = dependency.start()
        _ = dependency.receive(.services(["pkg.A"]))
        _ = dependency.receive(.files([try Self.file("a.proto")]))
        expectFailure(
            dependency.receive(.error(code: 5, message: "no")), .errorResponse,
            containing: "file \"dep.proto\" (imported by \"a.proto\")")
        // Ended: a late answer is refused.
        expectFailure(dependency.receive(.files([])), .unexpectedResponse, containing: "no question open")
    }

    @Test("answers that do not answer the question are refused")
    func wrongAnswers() throws {
        var listing = ReflectionResolution(source: "test")
        _ = listing.start()
        expectFailure(listing.receive(.files([])), .unexpectedResponse, containing: "list_services")

        var other = ReflectionResolution(source: "test")
        _ = other.start()
        _ = other.receive(.services(["pkg.A"]))
        expectFailure(
            other.receive(.files([try Self.file("dep.proto")])), .unexpectedResponse, containing: "\"dep.proto\"")

        var garbage = ReflectionResolution(source: "test")
        _ = garbage.start()
        _ = garbage.receive(.services(["pkg.A"]))
        expectFailure(garbage.receive(.files([[0xFF]])), .invalidDescriptors, containing: "not a FileDescriptorProto")
    }

    @Test("files that do not link are an error naming the file")
    func unlinkable() throws {
        var broken = Google_Protobuf_FileDescriptorProto()
        broken.name = "broken.proto"
        broken.package = "pkg"
        broken.syntax = "proto3"
        var service = Google_Protobuf_ServiceDescriptorProto()
        service.name = "A"
        var method = Google_Protobuf_MethodDescriptorProto()
        method.name = "Get"
        method.inputType = ".pkg.Missing"
        method.outputType = ".pkg.Missing"
        service.method = [method]
        broken.service = [service]
        var resolution = ReflectionResolution(source: "test")
        _ = resolution.start()
        _ = resolution.receive(.services(["pkg.A"]))
        expectFailure(
            resolution.receive(.files([try broken.serializedBytes()])), .invalidDescriptors, containing: "broken.proto")
    }

    @Test("limits on services, files and bytes")
    func limits() throws {
        var services = ReflectionResolution(source: "test", limits: .init(maxServices: 2))
        _ = services.start()
        expectFailure(services.receive(.services(["a.A", "b.B", "c.C"])), .limitExceeded, containing: "3 services")

        var files = ReflectionResolution(source: "test", limits: .init(maxFiles: 1))
        _ = files.start()
        _ = files.receive(.services(["pkg.B"]))
        expectFailure(
            files.receive(.files([try Self.file("b.proto"), try Self.file("dep.proto")])), .limitExceeded,
            containing: "more than 1 files")

        var bytes = ReflectionResolution(source: "test", limits: .init(maxBytes: 8))
        _ = bytes.start()
        let answer = ByteBuffer(bytes: [0x32, 8, 0x0A, 6, 0x0A, 4] + Array("pkgA".utf8))
        expectFailure(bytes.receive(answer), .limitExceeded, containing: "8 bytes")
    }

    @Test("the encoded answer path decodes, and a malformed one fails the walk")
    func encodedAnswers() {
        var resolution = ReflectionResolution(source: "test")
        _ = resolution.start()
        let answer = ByteBuffer(bytes: [0x32, 8, 0x0A, 6, 0x0A, 4] + Array("x.Yz".utf8))
        #expect(resolution.receive(answer) == .send(.fileContainingSymbol("x.Yz")))
        expectFailure(
            resolution.receive(ByteBuffer(bytes: [0x22, 5])), .malformedResponse, containing: "not valid protobuf")
    }

    private func expectFailure(
        _ action: ReflectionResolution.Action, _ kind: ReflectionError.Kind, containing text: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        guard case .failed(let error) = action else {
            Issue.record("expected a failure, got \(action)", sourceLocation: sourceLocation)
            return
        }
        #expect(error.kind == kind, sourceLocation: sourceLocation)
        #expect(error.message.contains(text), "\(error.message)", sourceLocation: sourceLocation)
    }
}
