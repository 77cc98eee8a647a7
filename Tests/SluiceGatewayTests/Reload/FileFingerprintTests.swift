import Foundation
import Testing
@testable import SluiceGateway

@Suite("File fingerprints")
struct FileFingerprintTests {
    @Test("a write, a replacement by rename, a new file and a removed one each change it; nothing else does")
    func changes() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("a.yaml", "a: 1\n")
        try FileManager.default.createDirectory(atPath: directory.path + "/sub", withIntermediateDirectories: true)
        try directory.write("sub/b.yaml", "b: 1\n")
        func print() -> FileFingerprint { FileFingerprint(directories: [directory.path], shallow: [], files: []) }
        let first = print()
        #expect(first.stamps.count == 2)
        #expect(print() == first)

        try directory.write("sub/b.yaml", "b: 22\n")  // nested, another size
        let written = print()
        #expect(written != first)

        // Same size, replaced by rename as editors save: another inode.
        try directory.write("tmp", "a: 2\n")
        #expect(rename(directory.path + "/tmp", directory.path + "/a.yaml") == 0)
        let renamed = print()
        #expect(renamed != written)

        try directory.write("c.json", "[]")
        let added = print()
        #expect(added != renamed)
        try FileManager.default.removeItem(atPath: directory.path + "/c.json")
        #expect(print() != added)
        #expect(print() == renamed)
    }

    @Test("shallow directories and single files: only what is directly there")
    func shallow() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("x.thrift", "struct X {}\n")
        try FileManager.default.createDirectory(atPath: directory.path + "/deep", withIntermediateDirectories: true)
        try directory.write("deep/y.thrift", "struct Y {}\n")
        let print = FileFingerprint(directories: [], shallow: [directory.path], files: [directory.path + "/deep/y.thrift", "/nonexistent"])
        #expect(Set(print.stamps.keys) == [directory.path + "/x.thrift", directory.path + "/deep/y.thrift"])
    }
}
