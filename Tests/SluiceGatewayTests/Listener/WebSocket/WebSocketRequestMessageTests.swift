import NIOCore
import Testing
@testable import SluiceGateway

@Suite("WebSocket request and reply messages")
struct WebSocketRequestMessageTests {
    func inbound(_ text: String) throws(WebSocketRequestMessage.Malformed) -> WebSocketInbound {
        // Some bytes before the message, so slices must respect the reader index.
        var buffer = ByteBuffer(string: "xx" + text)
        buffer.moveReaderIndex(forwardBy: 2)
        return try WebSocketInbound.parse(buffer)
    }

    /// `text` as a request (an error when it is a stream's message).
    func parse(_ text: String) throws(WebSocketRequestMessage.Malformed) -> WebSocketRequestMessage {
        switch try inbound(text) {
        case .request(let request): return request
        case .stream: throw WebSocketRequestMessage.Malformed(id: nil, error: GatewayError(.badRequest, "a stream message"))
        }
    }

    func malformed(_ text: String) -> (id: String?, error: GatewayError)? {
        do {
            _ = try inbound(text)
            return nil
        } catch {
            return (error.id.map { String(buffer: $0) }, error.error)
        }
    }

    @Test("a full request: id bytes verbatim, method, path and query, headers, body as a slice")
    func fullRequest() throws {
        let message = try parse("""
            {"id": "a\\u0062", "method": "POST", "path": "/v1/echo/bob?verbose=true",
             "headers": {"X-User": "carol"}, "body": {"message": "hi", "n": [1, 2.50]}}
            """)
        #expect(message.id.map { String(buffer: $0) } == #""a\u0062""#)
        #expect(message.request.method == "POST")
        #expect(message.request.path == "/v1/echo/bob")
        #expect(message.request.query == "verbose=true")
        #expect(message.request.headers.first("x-user") == "carol")
        #expect(message.request.headers.first("content-type") == "application/json")
        #expect(message.request.body.map { String(buffer: $0) } == #"{"message": "hi", "n": [1, 2.50]}"#)
    }

    @Test("a numeric id, no headers and no body; a null body is no body")
    func minimal() throws {
        let message = try parse(#"{"method":"GET","path":"/x","id":-12.5e3}"#)
        #expect(message.id.map { String(buffer: $0) } == "-12.5e3")
        #expect(message.request.body == nil)
        #expect(message.request.headers.count == 0)
        #expect(try parse(#"{"method":"GET","path":"/x","body":null}"#).request.body == nil)
        #expect(try parse(#"{"method":"GET","path":"/x"}"#).id == nil)
    }

    @Test("a string body under a non-JSON content-type is sent as its text; under JSON as the JSON string")
    func stringBodies() throws {
        let raw = try parse(#"{"method":"POST","path":"/x","headers":{"Content-Type":"text/plain"},"body":"a\nb"}"#)
        #expect(raw.request.body.map { String(buffer: $0) } == "a\nb")
        #expect(raw.request.headers.values("content-type") == ["text/plain"])
        let json = try parse(#"{"method":"POST","path":"/x","headers":{"content-type":"application/json; charset=utf-8"},"body":"s"}"#)
        #expect(json.request.body.map { String(buffer: $0) } == #""s""#)
    }

    @Test(
        "malformed messages name the problem and keep the id when it was read",
        arguments: [
            (#"{"id": 7, "method": "GET", "path": "/x""#, "7", "invalid_json"),
            ("not json", nil, "invalid_json"),
            (#"[1]"#, nil, "invalid_json"),
            (#"{"id": 1, "method": "GET"}"#, "1", "bad_request"),
            (#"{"id": "q", "path": "/x"}"#, #""q""#, "bad_request"),
            (#"{"id": true, "method": "GET", "path": "/x"}"#, nil, "bad_request"),
            (#"{"id": 2, "method": "GET", "path": "x"}"#, "2", "bad_request"),
            (#"{"id": 3, "method": "GE T", "path": "/x"}"#, "3", "bad_request"),
            (#"{"id": 4, "method": "GET", "path": "/x", "headers": {"a": 1}}"#, "4", "bad_request"),
            (#"{"id": 5, "method": "GET", "path": "/x", "headers": ["a"]}"#, "5", "bad_request"),
            (#"{"id": 6, "method": "GET", "path": "/x", "extra": 1}"#, "6", "bad_request"),
            (#"{"id": 8, "method": "GET", "path": "/x", "path": "/y"}"#, "8", "bad_request"),
            (#"{"id": 9, "method": "GET", "path": "/x"} x"#, "9", "invalid_json"),
        ] as [(String, String?, String)])
    func malformedMessages(_ text: String, id: String?, code: String) {
        guard let (readID, error) = malformed(text) else {
            Issue.record("\(text) was accepted")
            return
        }
        #expect(readID == id)
        #expect(error.code.name == code)
        #expect(error.code.status == 400)
    }

    @Test("errors name the field: a missing path, a bad header, an unknown key")
    func errorMessages() {
        #expect(malformed(#"{"method":"GET"}"#)?.error == GatewayError(.badRequest, "the message has no 'path'", field: "$.path"))
        #expect(malformed(#"{"method":"GET","path":"/x","headers":{"a":1}}"#)?.error.field == "$.headers.a")
        #expect(malformed(#"{"method":"GET","path":"/x","nope":1}"#)?.error.message.contains("unknown key 'nope'") == true)
        #expect(malformed(#"{"method":"GET","path":"/x""#)?.error.offset == 27)
    }

    @Test("a body as deep as an HTTP body may be passes; deeper is too_deep, as over HTTP")
    func depth() throws {
        let deepest = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        let message = try parse(#"{"method":"POST","path":"/x","body":"# + deepest + "}")
        #expect(message.request.body.map { String(buffer: $0) } == deepest)
        let tooDeep = malformed(#"{"method":"POST","path":"/x","body":["# + deepest + "]}")
        #expect(tooDeep?.error.code == .tooDeep)
    }

    // MARK: streams

    @Test("{id, body} is a stream's next item, its offset the body's in the message; {id, end: true} its end")
    func streamMessages() throws {
        guard case .stream(let item) = try inbound(#"{"id": "s1", "body": {"a": 1}}"#), case .item(let json) = item.kind else {
            Issue.record("an item")
            return
        }
        #expect(String(buffer: item.id) == #""s1""#)
        #expect(String(buffer: json.json) == #"{"a": 1}"#)
        #expect(json.field == "$.body")
        #expect(json.offset == 21)
        guard case .stream(let end) = try inbound(#"{"end": true, "id": 7}"#), case .end = end.kind else {
            Issue.record("an end")
            return
        }
        #expect(String(buffer: end.id) == "7")
    }

    @Test("an opening request keeps its body's JSON as a stream's first item, even when the body is its text")
    func firstItem() throws {
        let message = try parse(#"{"id":1,"method":"POST","path":"/x","body":{"a":2}}"#)
        #expect(message.firstItem.map { String(buffer: $0.json) } == #"{"a":2}"#)
        #expect(message.firstItem?.offset == 43)
        #expect(try parse(#"{"id":1,"method":"POST","path":"/x"}"#).firstItem == nil)
    }

    @Test(
        "end goes with id only, and must be true; an id and a body alone need the id",
        arguments: [
            (#"{"id": 1, "end": true, "body": {}}"#, "$.body", "'body' cannot go with 'end'"),
            (#"{"id": 1, "method": "GET", "path": "/x", "end": true}"#, "$.method", "'method' cannot go with 'end'"),
            (#"{"id": 1, "end": false}"#, "$.end", "'end' must be true"),
            (#"{"id": 1, "end": 1}"#, "$.end", "'end' must be true"),
            (#"{"end": true}"#, "$.id", "needs the stream's 'id'"),
            (#"{"body": {}}"#, "$.method", "no 'method'"),
        ])
    func badStreamMessages(_ text: String, field: String, message: String) {
        let error = malformed(text)?.error
        #expect(error?.field == field)
        #expect(error?.message.contains(message) == true, "\(String(describing: error))")
    }

    // MARK: replies

    func reply(id: String?, _ response: GatewayResponse) -> String {
        String(buffer: WebSocketReply.write(id: id.map { ByteBuffer(string: $0) }, response: response, allocator: ByteBufferAllocator()))
    }

    @Test("a reply echoes the id's bytes and carries the JSON body as is")
    func jsonReply() {
        let response = GatewayResponse(status: 200, headers: [("X-Trace", "t1")], body: ByteBuffer(string: #"{"a":[1,2.50]}"#))
        #expect(reply(id: #""a\u0062""#, response) == #"{"id":"a\u0062","status":200,"headers":{"x-trace":"t1"},"body":{"a":[1,2.50]}}"#)
    }

    @Test("no id is null; bodiless replies have no body; repeated header names become arrays")
    func bodilessReply() {
        let response = GatewayResponse(status: 204, headers: [("set-cookie", "a=1"), ("Allow", "GET"), ("Set-Cookie", "b=2")], body: nil)
        #expect(reply(id: nil, response) == #"{"id":null,"status":204,"headers":{"set-cookie":["a=1","b=2"],"allow":"GET"}}"#)
    }

    @Test("a non-JSON body is a JSON string with its content-type; non-UTF-8 bytes go as body_base64")
    func rawReplies() {
        let text = GatewayResponse(status: 200, body: ByteBuffer(string: "a\"b"), contentType: "text/plain")
        #expect(reply(id: "1", text) == #"{"id":1,"status":200,"headers":{"content-type":"text/plain"},"body":"a\"b"}"#)
        let binary = GatewayResponse(status: 200, body: ByteBuffer(bytes: [0xFF, 0x00]), contentType: "application/octet-stream")
        #expect(reply(id: "1", binary) == #"{"id":1,"status":200,"headers":{"content-type":"application/octet-stream"},"body_base64":"/wA="}"#)
    }
}
