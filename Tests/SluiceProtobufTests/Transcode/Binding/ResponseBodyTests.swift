import NIOCore
import Testing

@testable import SluiceProtobuf

/// A route's `response_body`: one field of the response, alone, as JSON.
@Suite struct ResponseBodyTests {
    /// `bind.test.Reply` from JSON, in binary.
    private func reply(_ json: String) throws -> [UInt8] {
        var out = ByteBuffer()
        try ProtobufJSONCodec.encode(
            try BindingFixture.message("bind.test.Reply"), schema: try BindingFixture.schema(),
            json: ByteBuffer(string: json),
            into: &out)
        return Array(out.readableBytesView)
    }

    private func project(_ bytes: [UInt8], _ field: String, options: ProtobufTranscodeOptions = .init()) throws
        -> String
    {
        try BindingFixture.json(
            bytes, message: "bind.test.Reply", field: field.split(separator: ".").map(String.init), options: options)
    }

    @Test(
        "a present field is its JSON value alone",
        arguments: [
            ("order", #"{"order": {"customerId": "c", "quantity": 2}}"#, #"{"customerId":"c","quantity":2}"#),
            ("orders", #"{"orders": [{"quantity": 1}, {}]}"#, #"[{"quantity":1},{}]"#),
            ("counts", #"{"counts": {"a": 1, "b": 0}}"#, #"{"a":1,"b":0}"#),
            ("total", #"{"total": "5"}"#, #""5""#),
            ("color", #"{"color": "RED"}"#, #""RED""#),
            ("at", #"{"at": "2024-01-01T00:00:00Z"}"#, #""2024-01-01T00:00:00Z""#),
            ("note", #"{"note": "a\"b"}"#, #""a\"b""#),
            ("ids", #"{"ids": [3, 1]}"#, "[3,1]"),
            ("order.address", #"{"order": {"address": {"city": "Oslo"}}}"#, #"{"city":"Oslo"}"#),
            ("order.tags", #"{"order": {"tags": ["x"]}}"#, #"["x"]"#),
        ])
    func presentField(field: String, json: String, expected: String) throws {
        let projected = try project(try reply(json), field)
        #expect(projected == expected)
    }

    @Test(
        "an absent field is {} for a message, [] for a repeated field, {} for a map, the default for a scalar",
        arguments: [
            ("order", "{}"), ("orders", "[]"), ("counts", "{}"), ("total", #""0""#), ("color", #""COLOR_UNSPECIFIED""#),
            ("at", "{}"), ("note", #""""#), ("ids", "[]"), ("order.address", "{}"), ("order.quantity", "0"),
        ])
    func absentField(field: String, expected: String) throws {
        let projected = try project(try reply(#"{"note": ""}"#), field)
        #expect(projected == expected)
    }

    @Test("a singular message given several times is their merge; a scalar given several times, the last")
    func protobufMergeSemantics() throws {
        let bytes =
            try reply(#"{"order": {"customerId": "a", "tags": ["x"]}, "total": "1"}"#)
            + reply(#"{"order": {"quantity": 2, "tags": ["y"]}, "total": "7"}"#)
        #expect(try project(bytes, "order") == #"{"customerId":"a","quantity":2,"tags":["x","y"]}"#)
        #expect(try project(bytes, "total") == #""7""#)
        #expect(try project(bytes, "order.tags") == #"["x","y"]"#)
    }

    @Test("the route's options apply inside the field")
    func optionsApply() throws {
        let bytes = try reply(#"{"order": {"customerId": "c"}}"#)
        #expect(try project(bytes, "order", options: .init(preserveProtoFieldNames: true)) == #"{"customer_id":"c"}"#)
        #expect(try project(bytes, "order", options: .init(emitDefaults: true)).contains(#""quantity":0"#))
        #expect(try project(try reply(#"{"color": "RED"}"#), "color", options: .init(enumsAsInts: true)) == "1")
    }

    @Test("the field is named by its .proto or JSON name; nil or empty is the whole message")
    func names() throws {
        let bytes = try reply(#"{"total": "3"}"#)
        #expect(try BindingFixture.json(bytes, message: "bind.test.Reply", field: ["total"]) == #""3""#)
        #expect(
            try BindingFixture.json(
                try reply(#"{"at": "1970-01-01T00:00:01Z"}"#), message: "bind.test.Reply", field: ["at"])
                == #""1970-01-01T00:00:01Z""#)
        #expect(try BindingFixture.json(bytes, message: "bind.test.Reply", field: nil) == #"{"total":"3"}"#)
        #expect(try BindingFixture.json(bytes, message: "bind.test.Reply", field: []) == #"{"total":"3"}"#)
    }

    @Test("a field the response does not have is an error, and nothing is written")
    func unknownField() throws {
        var input = ByteBuffer(bytes: try reply(#"{"total": "3"}"#))
        var out = ByteBuffer(string: "kept")
        let error = try #require(throws: ProtobufTranscodeError.self) {
            try ProtobufJSONCodec.decode(
                try BindingFixture.message("bind.test.Reply"), schema: try BindingFixture.schema(), from: &input,
                field: ["nope"], into: &out)
        }
        #expect(error.kind == .unknownField)
        #expect(String(buffer: out) == "kept")
        #expect(throws: ProtobufTranscodeError.self) {
            try BindingFixture.json([0x22, 0x05, 0x01], message: "bind.test.Reply", field: ["total"])
        }
    }
}
