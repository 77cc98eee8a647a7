import NIOCore
import SluiceJSON
import SluiceThrift
import Testing

/// `api.body` keys, `api.none`, `api.js_conv` and the response plan (`api.header`, `api.cookie`,
/// `api.http_code`), applied only with `httpAnnotations`.
@Suite("Transcode: Kitex/Hertz HTTP mapping")
struct TranscodeHTTPMappingTests {
    static let idl = """
        struct Req {
            1: string name (api.body = "full_name"),
            2: i32 secret (api.none = "true"),
            3: i32 small (api.js_conv = "true"),
            4: list<i64> ids (api.js_conv = "true"),
            5: i64 plain,
            6: bool flag = true,
            7: set<i64> tags (api.js_conv = "true"),
        }
        struct Resp {
            1: string token (api.header = "X-Token"),
            2: list<i32> codes (api.header = "X-Codes"),
            3: string session (api.cookie = "sid"),
            4: i32 status (api.http_code = ""),
            5: string text (api.body = "message"),
            6: i32 hidden (api.none = "true"),
            7: i64 big (api.js_conv = "true"),
        }
        service S {
            Resp call(1: Req req)
        }
        """
    static let http = TranscodeOptions(httpAnnotations: true)

    let schema: ThriftSchema
    let request: StructID
    let response: StructID

    init() throws {
        schema = try ThriftIDL.parse(source: Self.idl, fileName: "t.thrift")
        request = StructID(try #require(schema.structs.firstIndex { $0.name == "Req" }))
        response = StructID(try #require(schema.structs.firstIndex { $0.name == "Resp" }))
    }

    @Test("requests: api.body names the key, api.none is never read, api.js_conv takes strings", arguments: ThriftProtocolKind.allCases)
    func request(_ kind: ThriftProtocolKind) throws {
        let json = #"{"full_name":"a","secret":5,"small":"7","ids":["1",2],"plain":"3","\u006eame":"escaped-ignored"}"#
        let thrift = try encode(json, request, kind, options: Self.http, schema: schema)
        #expect(try decode(thrift, request, kind, schema: schema) == #"{"name":"a","small":7,"ids":[1,2],"plain":3,"flag":true}"#)
        let escaped = try encode(#"{"full\u005fname":"b"}"#, request, kind, options: Self.http, schema: schema)
        #expect(try decode(escaped, request, kind, schema: schema) == #"{"name":"b","flag":true}"#)
        // Without the option the IDL names apply: "full_name" is unknown, "secret" is read.
        let plain = try encode(#"{"full_name":"a","name":"n","secret":5}"#, request, kind, schema: schema)
        #expect(try decode(plain, request, kind, schema: schema) == #"{"name":"n","secret":5,"flag":true}"#)
        let error = #expect(throws: TranscodeError.self) {
            try encode(#"{"small":"x"}"#, request, kind, options: Self.http, schema: schema)
        }
        #expect(error?.message == #"expected i32 but found string "x""#)
    }

    @Test("api.js_conv sets reject an element repeated as a number and as a string", arguments: ThriftProtocolKind.allCases)
    func jsConvSetDuplicates(_ kind: ThriftProtocolKind) throws {
        let thrift = try encode(#"{"tags":["1",2]}"#, request, kind, options: Self.http, schema: schema)
        // Fields keep the order they were sent in; defaults come after.
        #expect(try decode(thrift, request, kind, schema: schema) == #"{"tags":[1,2],"flag":true}"#)
        let error = #expect(throws: TranscodeError.self) {
            try encode(#"{"tags":["1",1]}"#, request, kind, options: Self.http, schema: schema)
        }
        #expect(error?.kind == .invalidValue)
        #expect(error?.path == "$.tags[1]")
        #expect(error?.message == "duplicate set element (equal to the element at byte 9)")
    }

    @Test("responses: planned fields leave the body; api.body renames, api.none omits, api.js_conv quotes", arguments: ThriftProtocolKind.allCases)
    func response(_ kind: ThriftProtocolKind) throws {
        let method = try #require(schema.method("S.call")).method
        let plan = try #require(HTTPResponsePlan(success: schema[response]))
        let reply = #"{"success":{"token":"t1","codes":[1,2],"session":"abc","status":201,"text":"hi","hidden":9,"big":5}}"#
        var thrift = try encode(reply, method.result, kind, schema: schema)
        var out = ByteBuffer()
        let (outcome, values) = try ThriftJSONCodec.decodeResult(
            method: method, schema: schema, from: &thrift, protocol: kind, options: Self.http, responsePlan: plan, into: &out
        )
        #expect(outcome == .success)
        #expect(String(buffer: out) == #"{"message":"hi","big":"5"}"#)
        #expect(values == [
            HTTPResponseValue(target: .header("X-Token"), text: "t1"),
            HTTPResponseValue(target: .header("X-Codes"), text: "1,2"),
            HTTPResponseValue(target: .cookie("sid"), text: "abc"),
            HTTPResponseValue(target: .statusCode, text: "201"),
        ])
        // Without the option and plan every field is a member under its IDL name.
        var again = try encode(reply, method.result, kind, schema: schema)
        var plainOut = ByteBuffer()
        _ = try ThriftJSONCodec.decodeResult(method: method, schema: schema, from: &again, protocol: kind, into: &plainOut)
        #expect(String(buffer: plainOut) == #"{"token":"t1","codes":[1,2],"session":"abc","status":201,"text":"hi","hidden":9,"big":5}"#)
    }

    @Test("a struct without HTTP annotations has no plan, and the schema shares one key table")
    func noPlan() throws {
        let schema = try ThriftIDL.parse(source: "struct R { 1: string a (api.body = \"a\") }", fileName: "t.thrift")
        #expect(HTTPResponsePlan(success: schema.structs[0]) == nil)
        var out = ByteBuffer()
        try ThriftJSONCodec.encodeStruct(StructID(0), schema: schema, json: ByteBuffer(string: #"{"a":"x"}"#), protocol: .binary, options: Self.http, into: &out)
        #expect(try decode(out, StructID(0), .binary, schema: schema) == #"{"a":"x"}"#)
    }

    @Test("sendsEmptyTarget writes the request struct, with its defaults, when nothing fills it", arguments: ThriftProtocolKind.allCases)
    func emptyTarget(_ kind: ThriftProtocolKind) throws {
        let method = try #require(schema.method("S.call")).method
        var out = ByteBuffer()
        try ThriftJSONCodec.encodeArguments(
            method: method, schema: schema, input: CallInput(body: nil, bodyTarget: ["req"], sendsEmptyTarget: true), protocol: kind, into: &out
        )
        #expect(try decode(out, method.arguments, kind, schema: schema) == #"{"req":{"flag":true}}"#)
        var without = ByteBuffer()
        try ThriftJSONCodec.encodeArguments(method: method, schema: schema, input: CallInput(body: nil, bodyTarget: ["req"]), protocol: kind, into: &without)
        #expect(try decode(without, method.arguments, kind, schema: schema) == "{}")
    }
}
