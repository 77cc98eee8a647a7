import Foundation
import SwiftProtobuf
import Testing

@testable import SluiceProtobuf

/// Runs the reference compiler: Debian's `protoc`, or for editions grpcio-tools' newer one.
/// Missing outside CI is a skip (nil); in CI (`CI` set) it is a test failure.
enum Protoc {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/protos").path

    static var inCI: Bool { ProcessInfo.processInfo.environment["CI"] != nil }

    static func executable(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// `protoc --descriptor_set_out --include_imports` over `files`, decoded, without source_code_info.
    static func descriptorSet(
        files: [String], importPaths: [String], command: [String]? = nil
    ) throws -> [Google_Protobuf_FileDescriptorProto]? {
        let base: [String]
        if let command {
            base = command
        } else if let protoc = executable("protoc") {
            base = [protoc]
        } else {
            if inCI { Issue.record("protoc is required in CI: apt-get install protobuf-compiler (scripts/install-test-deps.sh)") }
            return nil
        }
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-protoc-\(UUID().uuidString).pb").path
        defer { try? FileManager.default.removeItem(atPath: output) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: base[0])
        process.arguments = Array(base.dropFirst()) + ["--descriptor_set_out=\(output)", "--include_imports"]
            + importPaths.map { "-I\($0)" } + files
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            Issue.record("protoc failed: \(message)")
            return nil
        }
        let set = try Google_Protobuf_FileDescriptorSet(serializedBytes: [UInt8](try Data(contentsOf: URL(fileURLWithPath: output))))
        return set.file.map {
            var file = $0
            file.clearSourceCodeInfo()
            return file
        }
    }

    /// A protoc that reads editions (grpcio-tools bundles one), as a command line.
    static func editionsCommand() -> [String]? {
        guard let python = executable("python3") else { return nil }
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: python)
        probe.arguments = ["-c", "import grpc_tools.protoc"]
        probe.standardError = FileHandle.nullDevice
        guard (try? probe.run()) != nil else { return nil }
        probe.waitUntilExit()
        return probe.terminationStatus == 0 ? [python, "-m", "grpc_tools.protoc"] : nil
    }

    /// Where pip's googleapis-common-protos keeps its `.proto` files (the site-packages folder holding `google/api`).
    static func googleapisCommonProtos() -> String? {
        guard let python = executable("python3") else { return nil }
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: python)
        probe.arguments = ["-c", "import google.api, os; print(os.path.dirname(os.path.dirname(google.api.__path__[0])))"]
        let output = Pipe()
        probe.standardOutput = output
        probe.standardError = FileHandle.nullDevice
        guard (try? probe.run()) != nil else { return nil }
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        probe.waitUntilExit()
        let path = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard probe.terminationStatus == 0, FileManager.default.fileExists(atPath: path + "/google/api/http.proto") else { return nil }
        return path
    }

    /// Writes the embedded well-known files under a fresh directory, for protoc to read the same text.
    static func embeddedFilesDirectory() throws -> String {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-wkt-\(UUID().uuidString)")
        for (name, text) in WellKnownProtos.byName {
            let url = root.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        return root.path
    }
}

/// The first place two descriptors differ, as a path of names and the two differing text-format lines.
enum DescriptorDiff {
    static func firstDifference<M: SwiftProtobuf.Message>(expected: M, actual: M) -> String? {
        if expected.isEqualTo(message: actual) { return nil }
        let left = expected.textFormatString(options: unknownFieldsShown).split(separator: "\n", omittingEmptySubsequences: false)
        let right = actual.textFormatString(options: unknownFieldsShown).split(separator: "\n", omittingEmptySubsequences: false)
        var index = 0
        while index < min(left.count, right.count) && left[index] == right[index] { index += 1 }
        var path: [String] = []
        var depth = 0
        for line in left.prefix(index) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasSuffix("{") {
                path.append(String(trimmed.dropLast()).trimmingCharacters(in: .whitespaces))
                depth += 1
            } else if trimmed == "}" {
                path.removeLast()
                depth -= 1
            } else if trimmed.hasPrefix("name: "), !path.isEmpty {
                path[path.count - 1] += "(\(trimmed.dropFirst(6)))"
            }
        }
        let expectedLine = index < left.count ? String(left[index]) : "<end>"
        let actualLine = index < right.count ? String(right[index]) : "<end>"
        return "at \(path.joined(separator: " > ")): protoc has `\(expectedLine.trimmingCharacters(in: .whitespaces))`, Sluice has `\(actualLine.trimmingCharacters(in: .whitespaces))`"
    }

    private static var unknownFieldsShown: TextFormatEncodingOptions {
        var options = TextFormatEncodingOptions()
        options.printUnknownFields = true
        return options
    }
}
