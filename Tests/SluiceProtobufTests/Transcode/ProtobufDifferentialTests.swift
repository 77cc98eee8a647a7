import Foundation
import NIOCore
import SluiceJSON
import Testing

@testable import SluiceProtobuf

/// Sluice against Python's protobuf (upb) and `json_format` on random messages of every shape in
/// `codec_types.proto`: Sluice's JSON for Python's binary must equal Python's JSON, and Sluice's binary for
/// Python's JSON must be the message Python started from. See `codec_differential.py`.
@Suite(.enabled(if: CodecFixture.canRun, "needs protoc and python3 with protobuf (required on CI)"))
struct ProtobufDifferentialTests {
    @Test(arguments: [(seed: 1, count: 700), (seed: 2, count: 700)])
    func randomMessagesAgreeWithPythonJSONFormat(seed: Int, count: Int) throws {
        let work = try CodecFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        let script = CodecFixture.directory.appendingPathComponent("codec_differential.py").path
        try CodecFixture.run("protoc", CodecFixture.includes + ["--python_out=\(work.path)", "codec_types.proto", "codec_legacy.proto"])
        let cases = work.appendingPathComponent("cases.txt")
        try CodecFixture.run("python3", [script, "generate", work.path, "\(seed)", "\(count)", cases.path])

        let schema = try CodecFixture.schema()
        let message = try CodecFixture.message("codec.test.Everything")
        var results = ""
        let lines = try String(contentsOf: cases, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == count)
        for line in lines {
            let columns = line.split(separator: "\t", omittingEmptySubsequences: false)
            let letters = columns[0]
            let options = ProtobufTranscodeOptions(
                emitDefaults: letters.contains("e"), enumsAsInts: letters.contains("i"),
                preserveProtoFieldNames: letters.contains("p"))
            let binary = Base64.decode(String(columns[1])) ?? []
            let json = Base64.decode(String(columns[2])) ?? []

            var input = ByteBuffer(bytes: binary)
            var output = ByteBuffer()
            do {
                try ProtobufJSONCodec.decode(message, schema: schema, from: &input, options: options, into: &output)
                results += Base64.encode(Array(output.readableBytesView))
            } catch {
                results += "!" + error.description.replacingOccurrences(of: "\n", with: " ")
            }
            results += "\t"
            var encoded = ByteBuffer()
            do {
                // Strict: json_format writes no field and no enum name the schema does not have.
                try ProtobufJSONCodec.encode(
                    message, schema: schema, json: ByteBuffer(bytes: json), options: ProtobufTranscodeOptions(strict: true),
                    into: &encoded)
                results += Base64.encode(Array(encoded.readableBytesView))
            } catch {
                results += "!" + error.description.replacingOccurrences(of: "\n", with: " ")
            }
            results += "\n"
        }
        let resultsFile = work.appendingPathComponent("results.txt")
        try results.write(to: resultsFile, atomically: false, encoding: .utf8)
        do {
            try CodecFixture.run("python3", [script, "verify", work.path, cases.path, resultsFile.path])
        } catch {
            Issue.record("\(error)")
        }
    }
}
