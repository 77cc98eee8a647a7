import NIOCore
import SluiceThrift
import Testing

@Suite("Transcode errors")
struct TranscodeErrorTests {
    static let protocols = ThriftProtocolKind.allCases

    private func error(_ json: String, _ kind: ThriftProtocolKind, _ id: StructID = TestSchema.allTypes, options: TranscodeOptions = TranscodeOptions()) -> TranscodeError? {
        transcodeError { _ = try encode(json, id, kind, options: options) }
    }

    @Test("syntax errors carry the byte offset and where in the document they are", arguments: protocols)
    func syntax(_ kind: ThriftProtocolKind) throws {
        let cases: [(String, Int, String)] = [
            (#"{"b": tru}"#, 6, "$.b"),
            (#"{"ints": [1, 2,]}"#, 15, "$.ints"),
            (#"{"int": 01}"#, 8, "$.int"),
            ("{\"str\": \"a\u{01}\"}", 10, "$.str"),
            (#"{"b": true} x"#, 12, "$"),
            (#"{"b": true,}"#, 11, "$"),
            (#"{"str": "\ud800"}"#, 9, "$.str"),
        ]
        for (json, offset, path) in cases {
            let failure = try #require(error(json, kind), "\(json)")
            #expect(failure.kind == .syntax, "\(json)")
            #expect(failure.offset == offset, "\(json)")
            #expect(failure.path == path, "\(json)")
        }
    }

    @Test("a document that is only whitespace is an empty struct")
    func emptyDocument() throws {
        #expect(try roundTrip("  ", TestSchema.allTypes, .binary) == "{}")
    }

    @Test("invalid UTF-8 in the JSON is a syntax error at its offset", arguments: protocols)
    func invalidUTF8(_ kind: ThriftProtocolKind) throws {
        var body = ByteBuffer(string: #"{"str":"a"#)
        body.writeBytes([0xC3, 0x28])
        body.writeString(#""}"#)
        let failure = transcodeError {
            var out = ByteBuffer()
            try ThriftJSONCodec.encodeStruct(TestSchema.allTypes, schema: TestSchema.schema, json: body, protocol: kind, into: &out)
        }
        #expect(failure?.kind == .syntax)
        #expect(failure?.offset == 9)
        #expect(failure?.path == "$.str")
    }

    @Test("wrong types name the path and what was found", arguments: protocols)
    func wrongTypes(_ kind: ThriftProtocolKind) throws {
        let cases: [(String, String, String)] = [
            (#"{"int":"1"}"#, "$.int", "expected i32 but found string"),
            (#"{"b":1}"#, "$.b", "expected bool but found number"),
            (#"{"str":1}"#, "$.str", "expected string but found number"),
            (#"{"ints":{}}"#, "$.ints", "expected list<i32> but found object"),
            (#"{"ints":[1,null]}"#, "$.ints[1]", "expected i32 but found null"),
            (#"{"items":[{"id":1},{"id":2},{"id":true}]}"#, "$.items[2].id", "expected i32 but found boolean"),
            (#"{"item":[]}"#, "$.item", "expected Item but found array"),
            (#"{"counts":{"a":"b"}}"#, "$.counts[\"a\"]", "expected i32 but found string"),
            (#"{"names":{"x":"y"}}"#, "$.names[\"x\"]", "expected i32"),
            (#"{"byItem":{"a":"b"}}"#, "$.byItem", "expected map<Item,string> but found object"),
            (#"{"int":1.5}"#, "$.int", "expected i32 but found fractional number 1.5"),
            (#"{"dbl":"1.5"}"#, "$.dbl", "expected double but found string \"1.5\""),
            (#"{"long":"12x"}"#, "$.long", "expected i64 but found string \"12x\""),
            (#"{"matrix":[[1],[2,"x"]]}"#, "$.matrix[1][1]", "expected i32 but found string"),
        ]
        for (json, path, message) in cases {
            let failure = try #require(error(json, kind), "\(json)")
            #expect(failure.kind == .wrongType, "\(json)")
            #expect(failure.path == path, "\(json)")
            #expect(failure.message.hasPrefix(message), "\(json): \(failure.message)")
            #expect(failure.offset != nil)
        }
    }

    @Test("integers outside their type's range are rejected", arguments: protocols)
    func outOfRange(_ kind: ThriftProtocolKind) throws {
        let cases: [(String, String)] = [
            (#"{"byte":128}"#, "$.byte"), (#"{"byte":-129}"#, "$.byte"), (#"{"short":32768}"#, "$.short"),
            (#"{"int":2147483648}"#, "$.int"), (#"{"long":9223372036854775808}"#, "$.long"),
            (#"{"long":"-9223372036854775809"}"#, "$.long"), (#"{"long":1e19}"#, "$.long"),
            (#"{"names":{"2147483648":"x"}}"#, "$.names[\"2147483648\"]"), (#"{"color":2147483648}"#, "$.color"),
        ]
        for (json, path) in cases {
            let failure = try #require(error(json, kind), "\(json)")
            #expect(failure.kind == .outOfRange, "\(json)")
            #expect(failure.path == path, "\(json)")
        }
        #expect(error(#"{"byte":-128,"long":-9223372036854775808}"#, kind) == nil)
    }

    @Test("required fields must be present (null counts as absent)", arguments: protocols)
    func missingRequired(_ kind: ThriftProtocolKind) throws {
        var failure = try #require(error(#"{"items":[{"name":"x"}]}"#, kind))
        #expect(failure.kind == .missingRequired)
        #expect(failure.path == "$.items[0].id")
        #expect(failure.offset == 10)  // the object missing it
        failure = try #require(error(#"{"id":null}"#, kind, TestSchema.item))
        #expect(failure.kind == .missingRequired)
        #expect(failure.path == "$.id")
    }

    @Test("a union needs exactly one field", arguments: protocols)
    func unions(_ kind: ThriftProtocolKind) throws {
        for json in [#"{"choice":{}}"#, #"{"choice":{"number":1,"text":"x"}}"#, #"{"choice":{"number":null}}"#] {
            let failure = try #require(error(json, kind), "\(json)")
            #expect(failure.kind == .unionFieldCount, "\(json)")
            #expect(failure.path == "$.choice", "\(json)")
            #expect(failure.offset == 10, "\(json)")
        }
        #expect(try roundTrip(#"{"choice":{"number":1}}"#, TestSchema.allTypes, kind) == #"{"choice":{"number":1}}"#)
    }

    @Test("unknown fields are ignored, or rejected when strict", arguments: protocols)
    func unknownFields(_ kind: ThriftProtocolKind) throws {
        #expect(error(#"{"item":{"id":1,"extra":[1,2]}}"#, kind) == nil)
        let failure = try #require(error(#"{"item":{"id":1,"extra":[1,2]}}"#, kind, options: TranscodeOptions(strict: true)))
        #expect(failure.kind == .unknownField)
        #expect(failure.path == "$.item.extra")
        #expect(failure.offset == 16)
    }

    @Test("values of the right JSON type can still be invalid", arguments: protocols)
    func invalidValues(_ kind: ThriftProtocolKind) throws {
        let cases: [(String, String)] = [
            (#"{"bin":"AA=A"}"#, "$.bin"), (#"{"bin":"A"}"#, "$.bin"), (#"{"bin":"AA AA"}"#, "$.bin"),
            (#"{"uuid":"00112233-4455-6677-8899-aabbccddeef"}"#, "$.uuid"),
            (#"{"uuid":"00112233x4455-6677-8899-aabbccddeeff"}"#, "$.uuid"),
            (#"{"color":"PURPLE"}"#, "$.color"), (#"{"flags":{"PURPLE":true}}"#, "$.flags[\"PURPLE\"]"),
            (#"{"b":true,"b":false}"#, "$.b"), (#"{"byItem":[[{"id":1}]]}"#, "$.byItem[0]"),
            (#"{"byItem":[[{"id":1},"a","b"]]}"#, "$.byItem[0]"),
        ]
        for (json, path) in cases {
            let failure = try #require(error(json, kind), "\(json)")
            #expect(failure.kind == .invalidValue, "\(json)")
            #expect(failure.path == path, "\(json)")
        }
    }

    @Test("nesting beyond maxDepth is refused", arguments: protocols)
    func depth(_ kind: ThriftProtocolKind) throws {
        let json = #"{"matrix":[[1]]}"#
        #expect(error(json, kind, options: TranscodeOptions(maxDepth: 3)) == nil)
        let failure = try #require(error(json, kind, options: TranscodeOptions(maxDepth: 2)))
        #expect(failure.kind == .tooDeep)
        let bytes = try encode(json, TestSchema.allTypes, kind)
        let decodeFailure = transcodeError { _ = try decode(bytes, TestSchema.allTypes, kind, options: TranscodeOptions(maxDepth: 2)) }
        #expect(decodeFailure?.kind == .tooDeep)
    }

    @Test("truncated Thrift is malformed at every length, never a crash", arguments: protocols)
    func truncated(_ kind: ThriftProtocolKind) throws {
        let json = #"{"b":true,"str":"héllo","bin":"AAEC","uuid":"00112233-4455-6677-8899-aabbccddeeff","counts":{"x":1},"items":[{"id":1}],"dbl":2.5,"long":-300}"#
        let bytes = Array(try encode(json, TestSchema.allTypes, kind).readableBytesView)
        for length in 0..<bytes.count {
            let failure = transcodeError { _ = try decode(ByteBuffer(bytes: bytes[0..<length]), TestSchema.allTypes, kind) }
            #expect(failure?.kind == .malformedThrift, "length \(length)")
        }
    }

    @Test("corrupt Thrift is rejected, never a crash", arguments: protocols)
    func corrupt(_ kind: ThriftProtocolKind) throws {
        let json = #"{"str":"abc","ints":[1,2,3],"counts":{"x":1},"item":{"id":1}}"#
        let bytes = Array(try encode(json, TestSchema.allTypes, kind).readableBytesView)
        // Flip every byte to every interesting value; decoding must either succeed or throw.
        for index in bytes.indices {
            for value: UInt8 in [0x00, 0x0F, 0x7F, 0x80, 0xFF] {
                var copy = bytes
                copy[index] = value
                _ = transcodeError { _ = try decode(ByteBuffer(bytes: copy), TestSchema.allTypes, kind) }
            }
        }
    }

    @Test("invalid UTF-8 in a Thrift string is malformed", arguments: protocols)
    func thriftUTF8(_ kind: ThriftProtocolKind) throws {
        var writer: any ThriftProtocolWriter = kind == .binary ? ThriftBinaryWriter(buffer: ByteBuffer()) : ThriftCompactWriter(buffer: ByteBuffer())
        let mark = writer.writeStructBegin()
        writer.writeFieldBegin(.string, id: 7)
        [0x61, 0xFF].withUnsafeBytes { writer.writeBinary($0) }
        writer.writeStructEnd(mark)
        let failure = transcodeError { _ = try decode(writer.buffer, TestSchema.allTypes, kind) }
        #expect(failure?.kind == .malformedThrift)
        #expect(failure?.path == "$.str")
    }

    @Test("a failed encode leaves the output as it was", arguments: protocols)
    func outputUntouched(_ kind: ThriftProtocolKind) throws {
        var out = ByteBuffer(string: "keep")
        _ = transcodeError {
            try ThriftJSONCodec.encodeStruct(
                TestSchema.allTypes, schema: TestSchema.schema, json: ByteBuffer(string: #"{"b":true,"int":"x"}"#),
                protocol: kind, into: &out)
        }
        #expect(String(buffer: out) == "keep")
    }

    @Test("describes itself with path, message and offset")
    func description() {
        let error = TranscodeError(.wrongType, path: "$.a", offset: 3, "expected i32 but found string")
        #expect(error.description == "$.a: expected i32 but found string (at byte 3)")
        #expect(TranscodeError(.malformedThrift, "bad").description == "$: bad")
    }
}
