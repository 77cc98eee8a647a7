import Foundation
import NIOCore
import SluiceJSON
import SwiftProtobuf
import Testing

@testable import SluiceProtobuf

/// The codec tests' schema: `Fixtures/codec/*.proto` compiled by protoc at test time.
enum CodecFixture {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/codec")

    /// Whether the machine has what these tests need. On CI they run regardless, and fail if it does not.
    static let canRun: Bool = ProcessInfo.processInfo.environment["CI"] != nil
        || (executable("protoc") != nil && (try? run("python3", ["-c", "import google.protobuf"])) != nil)

    static func executable(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    struct ToolFailure: Error, CustomStringConvertible {
        let description: String
    }

    /// Runs a tool, returning its standard output; a missing tool or a non-zero exit is an error.
    @discardableResult
    static func run(_ tool: String, _ arguments: [String]) throws -> String {
        guard let path = executable(tool) else { throw ToolFailure(description: "\(tool) is not installed") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: outputData, as: UTF8.self)
        guard process.terminationStatus == 0 else {
            throw ToolFailure(description: "\(tool) \(arguments.joined(separator: " ")) exited \(process.terminationStatus):\n\(text)\(String(decoding: errorData, as: UTF8.self))")
        }
        return text
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-codec-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// protoc's include flags: the fixtures, and the system's well-known types when they live apart.
    static var includes: [String] {
        var flags = ["-I", directory.path]
        if FileManager.default.fileExists(atPath: "/usr/include/google/protobuf/any.proto") { flags += ["-I", "/usr/include"] }
        return flags
    }

    /// The descriptor set protoc writes for the fixtures, every import included.
    static func descriptorSet() throws -> Google_Protobuf_FileDescriptorSet {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("codec.pb")
        try run("protoc", includes + ["--descriptor_set_out=\(output.path)", "--include_imports", "codec_types.proto"])
        return try Google_Protobuf_FileDescriptorSet(serializedBytes: [UInt8](try Data(contentsOf: output)))
    }

    private static let cached: Result<ProtobufSchema, any Error> = Result {
        try ProtobufSchema(files: try descriptorSet().file)
    }

    static func schema() throws -> ProtobufSchema { try cached.get() }

    static func message(_ name: String) throws -> ProtobufMessageID {
        let schema = try schema()
        guard let id = schema.message(named: name) else { throw ToolFailure(description: "no message \(name)") }
        return id
    }
}

/// JSON text -> binary, through the codec.
func codecBytes(
    _ type: String, _ json: String, options: ProtobufTranscodeOptions = ProtobufTranscodeOptions()
) throws -> [UInt8] {
    let schema = try CodecFixture.schema()
    var output = ByteBuffer()
    try ProtobufJSONCodec.encode(
        try CodecFixture.message(type), schema: schema, json: ByteBuffer(string: json), options: options, into: &output)
    return Array(output.readableBytesView)
}

/// Binary -> JSON text, through the codec.
func codecJSON(
    _ type: String, _ bytes: [UInt8], options: ProtobufTranscodeOptions = ProtobufTranscodeOptions()
) throws -> String {
    let schema = try CodecFixture.schema()
    var input = ByteBuffer(bytes: bytes)
    var output = ByteBuffer()
    try ProtobufJSONCodec.decode(try CodecFixture.message(type), schema: schema, from: &input, options: options, into: &output)
    return String(buffer: output)
}

/// The transcoding error `body` throws, or nil.
func codecError(_ body: () throws -> Any) -> ProtobufTranscodeError? {
    do {
        _ = try body()
        return nil
    } catch let error as ProtobufTranscodeError {
        return error
    } catch {
        Issue.record("unexpected error \(error)")
        return nil
    }
}
