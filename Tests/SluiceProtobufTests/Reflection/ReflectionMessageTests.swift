import NIOCore
import Testing

@testable import SluiceProtobuf

/// The reflection messages' wire form, against bytes written out by hand from reflection.proto's field numbers.
@Suite struct ReflectionMessageTests {
    @Test("each question is its oneof field, host first when given")
    func requests() {
        #expect(Array(buffer: ReflectionRequest.listServices.encoded()) == [0x3A, 1, UInt8(ascii: "*")])
        #expect(
            Array(buffer: ReflectionRequest.fileByFilename("a.proto").encoded()) == [0x1A, 7] + Array("a.proto".utf8))
        #expect(
            Array(buffer: ReflectionRequest.fileContainingSymbol("p.S").encoded(host: "h"))
                == [0x0A, 1, UInt8(ascii: "h"), 0x22, 3] + Array("p.S".utf8))
    }

    @Test("files, services and error answers decode; valid_host and original_request are skipped")
    func responses() throws {
        let echo: [UInt8] = [0x0A, 1, UInt8(ascii: "h"), 0x12, 3, 0x3A, 1, UInt8(ascii: "*")]
        let files = echo + [0x22, 9, 0x0A, 3, 1, 2, 3, 0x0A, 2, 4, 5]
        #expect(try decode(files) == .files([[1, 2, 3], [4, 5]]))
        let services = [0x32, 12, 0x0A, 4, 0x0A, 2] + Array("pA".utf8) + [0x0A, 4, 0x0A, 2] + Array("pB".utf8)
        #expect(try decode(services) == .services(["pA", "pB"]))
        let error = [0x3A, 8, 0x08, 5, 0x12, 4] + Array("gone".utf8)
        #expect(try decode(error) == .error(code: 5, message: "gone"))
        #expect(try decode(echo) == .other)
    }

    @Test(
        "a truncated answer is malformed, not a crash",
        arguments: [[0x22, 9, 0x0A], [0x32], [0x3A, 2, 0x08]] as [[UInt8]])
    func malformed(bytes: [UInt8]) {
        #expect(throws: ReflectionError.self) { try decode(bytes) }
        do {
            _ = try decode(bytes)
        } catch {
            #expect(error.kind == .malformedResponse)
        }
    }

    private func decode(_ bytes: [UInt8]) throws(ReflectionError) -> ReflectionResponse {
        try ReflectionResponse(decoding: ByteBuffer(bytes: bytes))
    }
}
