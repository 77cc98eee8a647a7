import Foundation
import SwiftProtobuf
import Testing

@testable import SluiceProtobuf

@Suite struct ProtoLoaderTests {
    @Test func aFileInAnImportPathWinsOverTheEmbeddedOne() throws {
        let files = try ProtoText.load(
            "syntax = \"proto3\";\nimport \"google/protobuf/empty.proto\";\nmessage M { google.protobuf.Empty e = 1; }",
            others: ["google/protobuf/empty.proto": "syntax = \"proto3\";\npackage google.protobuf;\nmessage Empty { string marker = 1; }"])
        #expect(files.map(\.name) == ["google/protobuf/empty.proto", "main.proto"])
        #expect(files[0].messageType[0].field.map(\.name) == ["marker"])
    }

    @Test func theRootIsNamedRelativeToTheImportPathHoldingIt() throws {
        let source = ProtoFileSource.inMemory([
            "protos/a/b.proto": "syntax = \"proto3\";\npackage a;\nimport \"a/c.proto\";\nmessage B { C c = 1; }",
            "protos/a/c.proto": "syntax = \"proto3\";\npackage a;\nmessage C {}",
            "elsewhere/x.proto": "syntax = \"proto3\";\nimport \"y.proto\";\nmessage X { Y y = 1; }",
            "elsewhere/y.proto": "syntax = \"proto3\";\nmessage Y {}",
        ])
        let files = try ProtoLoader(importPaths: ["protos"], source: source).load(file: "protos/a/b.proto")
        #expect(files.map(\.name) == ["a/c.proto", "a/b.proto"])
        #expect(files[1].messageType[0].field[0].typeName == ".a.C")
        // Outside every import path: named by its file name, its directory searched last.
        let outside = try ProtoLoader(importPaths: ["protos"], source: source).load(file: "elsewhere/x.proto")
        #expect(outside.map(\.name) == ["y.proto", "x.proto"])
    }

    @Test func aMissingRootIsAnError() {
        #expect(throws: ProtoIDLError(location: ProtoSourceLocation(file: "nope.proto", line: 0, column: 0), message: "cannot read .proto file 'nope.proto'")) {
            try ProtoLoader(importPaths: [], source: .inMemory([:])).load(file: "nope.proto")
        }
    }

    @Test func aDescriptorSetFileLoadsAndLeftOutWellKnownFilesComeFromTheEmbeddedOnes() throws {
        let linked = try ProtoText.load(
            "syntax = \"proto3\";\npackage p;\nimport \"google/protobuf/timestamp.proto\";\nmessage M { google.protobuf.Timestamp at = 1; }")
        var set = Google_Protobuf_FileDescriptorSet()
        set.file = [try #require(linked.last)]
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-set-\(UUID().uuidString).binpb").path
        try Data(try set.serializedBytes() as [UInt8]).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let files = try ProtoLoader(importPaths: []).loadDescriptorSet(file: path)
        #expect(files.map(\.name) == ["google/protobuf/timestamp.proto", "main.proto"])
        #expect(files[1] == linked.last)
    }

    @Test func descriptorSetsGetTheLinkersChecks() throws {
        var file = Google_Protobuf_FileDescriptorProto()
        file.name = "a.proto"
        file.package = "p"
        var message = Google_Protobuf_DescriptorProto()
        message.name = "M"
        var field = Google_Protobuf_FieldDescriptorProto()
        field.name = "x"
        field.number = 1
        field.label = .optional
        field.type = .message
        field.typeName = ".p.Missing"
        message.field = [field]
        file.messageType = [message]
        var set = Google_Protobuf_FileDescriptorSet()
        set.file = [file]
        #expect(throws: ProtoIDLError(
            location: ProtoSourceLocation(file: "set.pb (a.proto) field p.M.x", line: 0, column: 0), message: "\".p.Missing\" is not defined.")
        ) {
            try ProtoLoader.linkDescriptorSet(try set.serializedBytes(), path: "set.pb")
        }
        file.messageType = []
        file.dependency = ["other.proto"]
        set.file = [file]
        #expect(throws: ProtoIDLError(
            location: ProtoSourceLocation(file: "set.pb (a.proto)", line: 0, column: 0),
            message: "import \"other.proto\" was not found (looked in no import paths and the embedded well-known files)")
        ) {
            try ProtoLoader.linkDescriptorSet(try set.serializedBytes(), path: "set.pb")
        }
        #expect(throws: ProtoIDLError.self) { try ProtoLoader.linkDescriptorSet(Array("not a set".utf8), path: "bad.pb") }
    }
}
