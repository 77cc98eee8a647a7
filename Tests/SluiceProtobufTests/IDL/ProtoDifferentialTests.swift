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

    /// `onlyRoot` compares the root file alone, for a protoc that brings its own (newer) descriptor.proto.
    func compare(
        _ expected: [Google_Protobuf_FileDescriptorProto], _ actual: [Google_Protobuf_FileDescriptorProto], root: String,
        onlyRoot: Bool = false
    ) {
        let expected = onlyRoot ? expected.filter { $0.name == root } : expected
        if !onlyRoot { #expect(actual.map(\.name) == expected.map(\.name), "files of \(root), dependencies first") }
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

    /// Editions and option fields newer than Debian's protoc (3.21), against grpcio-tools' current protoc.
    @Test(arguments: ["sluice/test/editions.proto", "sluice/test/retention.proto"])
    func newerSyntaxMatchesACurrentProtoc(_ root: String) throws {
        guard let command = Protoc.editionsCommand() else {
            if Protoc.inCI { Issue.record("grpcio-tools is required in CI (scripts/install-test-deps.sh)") }
            return
        }
        guard let expected = try Protoc.descriptorSet(files: [root], importPaths: [Protoc.fixtures], command: command) else { return }
        let actual = try ProtoLoader(importPaths: [Protoc.fixtures]).load(file: Protoc.fixtures + "/" + root)
        compare(expected, actual, root: root, onlyRoot: true)
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
