import Foundation
import NIOCore
import Testing

@testable import SluiceProtobuf

/// The status body's details against Python protobuf's `json_format` (what grpc-gateway's Go marshaller
/// also writes), for every standard detail type of `google/rpc/error_details.proto`.
@Suite(.enabled(if: CodecFixture.hasRPCProtos, "needs python3 with googleapis-common-protos (required on CI)"))
struct StatusJSONDifferentialTests {
    @Test("every standard detail type is written as json_format writes it")
    func standardDetailsMatchJSONFormat() throws {
        let script = CodecFixture.directory.appendingPathComponent("status_details.py").path
        let lines = try CodecFixture.run("python3", [script]).split(separator: "\n")
        try #require(lines.count == 2)
        let hex = Array(lines[0].utf8)
        let bytes = stride(from: 0, to: hex.count - 1, by: 2).compactMap {
            UInt8(String(decoding: hex[$0...$0 + 1], as: UTF8.self), radix: 16)
        }
        try #require(bytes.count * 2 == hex.count)

        var out = ByteBuffer()
        let outcome = ProtobufStatusJSON.write(
            code: 3, message: "invalid order", details: ByteBuffer(bytes: bytes), schema: try BindingFixture.schema(),
            into: &out)
        #expect(outcome == ProtobufStatusJSON.Outcome(unreadableDetails: nil, rawDetails: 0))
        let ours = try JSONSerialization.jsonObject(with: Data(out.readableBytesView)) as? NSDictionary
        let theirs = try JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as? NSDictionary
        #expect(ours != nil)
        #expect(ours == theirs, "Sluice: \(String(buffer: out))\njson_format: \(lines[1])")
    }
}

extension CodecFixture {
    /// Whether Python can build `google.rpc` messages. On CI these tests run regardless, and fail if not.
    static let hasRPCProtos: Bool =
        ProcessInfo.processInfo.environment["CI"] != nil
        || (try? run("python3", ["-c", "import google.rpc.error_details_pb2"])) != nil
}
