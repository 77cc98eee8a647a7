import Foundation
import SwiftProtobuf
import Testing

@testable import SluiceProtobuf

/// Sluice's descriptors equal protoc's `--descriptor_set_out --include_imports`, file by file.
@Suite struct ProtoDifferentialTests {
    static let corpus = [
        "grpc/health/v1/health.proto", "grpc/reflection/v1/reflection.proto", "grpc/reflection/v1alpha/reflection.proto",
        "sluice/test/types.proto", "sluice/test/legacy.proto",
    ]

    func compare(_ expected: [Google_Protobuf_FileDescriptorProto], _ actual: [Google_Protobuf_FileDescriptorProto], root: String) {
        #expect(actual.map(\.name) == expected.map(\.name), "files of \(root), dependencies first")
        let actualByName = Dictionary(actual.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        for file in expected {
            guard let mine = actualByName[file.name] else { continue }
            if let difference = DescriptorDiff.firstDifference(expected: file, actual: mine) {
                Issue.record("\(file.name) (loading \(root)) \(difference)")
            }
        }
    }

    @Test(arguments: corpus)
    func fixtureMatchesProtoc(_ root: String) throws {
        let embedded = try Protoc.embeddedFilesDirectory()
        defer { try? FileManager.default.removeItem(atPath: embedded) }
        guard let expected = try Protoc.descriptorSet(files: [root], importPaths: [Protoc.fixtures, embedded]) else { return }
        let loader = ProtoLoader(importPaths: [Protoc.fixtures])
        let actual = try loader.load(file: Protoc.fixtures + "/" + root)
        compare(expected, actual, root: root)
    }

    @Test(arguments: WellKnownProtos.byName.keys.sorted())
    func embeddedFileMatchesProtoc(_ name: String) throws {
        let embedded = try Protoc.embeddedFilesDirectory()
        defer { try? FileManager.default.removeItem(atPath: embedded) }
        guard let expected = try Protoc.descriptorSet(files: [name], importPaths: [embedded]) else { return }
        let actual = try ProtoLoader(importPaths: []).load(file: name)
        compare(expected, actual, root: name)
    }

    @Test func editionsFileMatchesAProtocThatKnowsEditions() throws {
        guard let command = Protoc.editionsCommand() else {
            if Protoc.inCI { Issue.record("grpcio-tools is required in CI (scripts/install-test-deps.sh)") }
            return
        }
        let root = "sluice/test/editions.proto"
        guard let expected = try Protoc.descriptorSet(files: [root], importPaths: [Protoc.fixtures], command: command) else { return }
        let actual = try ProtoLoader(importPaths: [Protoc.fixtures]).load(file: Protoc.fixtures + "/" + root)
        compare(expected, actual, root: root)
    }

    @Test func descriptorSetOfProtocLinksToTheSameFiles() throws {
        let embedded = try Protoc.embeddedFilesDirectory()
        defer { try? FileManager.default.removeItem(atPath: embedded) }
        guard let expected = try Protoc.descriptorSet(files: Self.corpus, importPaths: [Protoc.fixtures, embedded]) else { return }
        var set = Google_Protobuf_FileDescriptorSet()
        set.file = expected
        let linked = try ProtoLoader.linkDescriptorSet(try set.serializedBytes(), path: "corpus.pb")
        compare(expected, linked, root: "corpus.pb")
    }
}
