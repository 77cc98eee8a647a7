import NIOCore
import SluiceThrift
import Testing

/// A response `api.raw_body` field: its bytes are the whole output, the other planned fields are still
/// returned, and the rest of the struct is not written.
@Suite("Transcode: api.raw_body responses")
struct TranscodeHTTPRawBodyTests {
    static let idl = """
        struct File {
            1: string name,
            2: binary content (api.raw_body = ""),
            3: string type (api.header = "Content-Type"),
            4: i32 status (api.http_code = ""),
            5: binary second (api.raw_body = ""),
            6: map<string, string> meta,
        }
        struct Note {
            1: string text (api.raw_body = ""),
        }
        service S {
            File file()
            Note note()
        }
        """

    let schema: ThriftSchema

    init() throws {
        schema = try ThriftIDL.parse(source: Self.idl, fileName: "t.thrift")
    }

    func decode(_ method: String, _ reply: String, _ kind: ThriftProtocolKind) throws -> (plan: HTTPResponsePlan, body: [UInt8], values: [HTTPResponseValue]) {
        let method = try #require(schema.method("S.\(method)")).method
        let success = try #require(schema.structs.first { $0.name == (method.name == "file" ? "File" : "Note") })
        let plan = try #require(HTTPResponsePlan(success: success))
        var thrift = try encode(reply, method.result, kind, schema: schema)
        var out = ByteBuffer()
        let (outcome, values) = try ThriftJSONCodec.decodeResult(
            method: method, schema: schema, from: &thrift, protocol: kind, options: TranscodeOptions(httpAnnotations: true),
            responsePlan: plan, into: &out
        )
        #expect(outcome == .success)
        #expect(thrift.readableBytes == 0)
        return (plan, Array(out.readableBytesView), values)
    }

    @Test("binary: the bytes as they are; headers and status still extracted; other fields and a second raw_body skipped", arguments: ThriftProtocolKind.allCases)
    func binary(_ kind: ThriftProtocolKind) throws {
        let reply = #"{"success":{"name":"n","content":"AP8=","type":"image/png","status":201,"second":"eA==","meta":{"k":"v"}}}"#
        let (plan, body, values) = try decode("file", reply, kind)
        #expect(plan.rawBodyIsBinary == true)
        #expect(body == [0x00, 0xFF])
        #expect(values == [HTTPResponseValue(target: .header("Content-Type"), text: "image/png"), HTTPResponseValue(target: .statusCode, text: "201")])
        let (_, empty, _) = try decode("file", #"{"success":{"name":"n"}}"#, kind)
        #expect(empty == [])
    }

    @Test("string: written without JSON quoting or escapes", arguments: ThriftProtocolKind.allCases)
    func string(_ kind: ThriftProtocolKind) throws {
        let (plan, body, values) = try decode("note", #"{"success":{"text":"a \"b\"\n"}}"#, kind)
        #expect(plan.rawBodyIsBinary == false)
        #expect(String(decoding: body, as: UTF8.self) == "a \"b\"\n")
        #expect(values == [])
    }

    @Test("a struct without api.raw_body keeps a JSON body")
    func jsonBody() throws {
        let schema = try ThriftIDL.parse(source: #"struct R { 1: string a (api.header = "A") }"#, fileName: "t.thrift")
        #expect(try #require(HTTPResponsePlan(success: schema.structs[0])).rawBodyIsBinary == nil)
    }
}
