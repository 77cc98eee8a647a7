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

    /// Every `.proto` file of pip's googleapis-common-protos (google/api, google/rpc, google/type, ...).
    @Test func googleapisCommonProtosMatchProtoc() throws {
        guard let root = Protoc.googleapisCommonProtos() else {
            if Protoc.inCI { Issue.record("googleapis-common-protos is required in CI (scripts/install-test-deps.sh)") }
            return
        }
        let names = try FileManager.default.subpathsOfDirectory(atPath: root + "/google")
            .filter { $0.hasSuffix(".proto") }.map { "google/" + $0 }.sorted()
        #expect(names.count > 40, "googleapis-common-protos ships its .proto files")
        let embedded = try Protoc.embeddedFilesDirectory()
        defer { try? FileManager.default.removeItem(atPath: embedded) }
        // One protoc run for all, then Sluice file by file.
        guard let expected = try Protoc.descriptorSet(files: names, importPaths: [root, embedded]) else { return }
        let byName = Dictionary(expected.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let loader = ProtoLoader(importPaths: [root])
        for name in names {
            let actual = try loader.load(file: root + "/" + name)
            for file in actual {
                guard let reference = byName[file.name] else {
                    Issue.record("\(file.name) (loading \(name)) is not among protoc's files")
                    continue
                }
                if let difference = DescriptorDiff.firstDifference(expected: reference, actual: file) {
                    Issue.record("\(file.name) (loading \(name)) \(difference)")
                }
            }
        }
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
