import NIOCore
import NIOEmbedded
import SluiceClient
import SluiceThrift
import Testing
@testable import SluiceGateway

@Suite("Request path: router -> binder -> transcoder -> client -> response")
struct RequestDispatcherTests {
    @Test("success: bound values and the body become the arguments; the success value is the 200 body")
    func success() throws {
        let harness = try DispatchHarness { _ in DispatchHarness.reply("Say", #"{"success":{"text":"hi"}}"#) }
        let box = harness.send(
            "POST",
            "/v1/echo/al%20ice?verbose=true&tag=a&tag=b",
            headers: [("X-User", "bob")],
            body: #"{"name":"ignored","page":3}"#
        )
        #expect(box.only?.status == 200)
        #expect(box.bodyText == #"{"text":"hi"}"#)
        let call = try #require(harness.callers.first?.calls.first)
        #expect(call.method == "Say")
        #expect(!call.oneway)
        #expect(call.timeout == .seconds(1))
        let arguments = try DispatchHarness.argumentsJSON(call, method: "Say")
        // Body fields are written as they come, then bound ones; "name" from the path wins over the body's.
        #expect(arguments == #"{"req":{"page":3,"name":"al ice","verbose":true,"tags":["a","b"],"user":"bob"}}"#)
    }

    @Test("compact routes encode and decode Compact")
    func compact() throws {
        let harness = try DispatchHarness(protocolKind: .compact) { _ in
            DispatchHarness.reply("Say", #"{"success":{"text":"c"}}"#, protocolKind: .compact)
        }
        let box = harness.send("POST", "/v1/echo/x", body: "{}")
        #expect(box.bodyText == #"{"text":"c"}"#)
        let call = try #require(harness.callers.first?.calls.first)
        #expect(try DispatchHarness.argumentsJSON(call, method: "Say", protocolKind: .compact) == #"{"req":{"name":"x"}}"#)
    }

    @Test("void is 204 with no body, or 200 {} with void_as_empty_object")
    func void() throws {
        let harness = try DispatchHarness { _ in DispatchHarness.reply("Ping", "{}") }
        let plain = harness.send("GET", "/v1/ping")
        #expect(plain.only?.status == 204)
        #expect(plain.only?.body == nil)
        let object = harness.send("GET", "/v1/ping-object")
        #expect(object.only?.status == 200)
        #expect(object.bodyText == "{}")
    }

    @Test("oneway is 202 and sent as oneway")
    func oneway() throws {
        let harness = try DispatchHarness { _ in .success(ThriftReply(messageType: .oneway, body: ByteBuffer())) }
        let box = harness.send("POST", "/v1/fire/now")
        #expect(box.only?.status == 202)
        #expect(box.only?.body == nil)
        #expect(harness.callers.first?.calls.first?.oneway == true)
    }

    @Test("a declared exception: its JSON with the route's status, default 500")
    func declaredException() throws {
        let harness = try DispatchHarness { call in
            let text = String(buffer: call.arguments)
            return text.contains("missing")
                ? DispatchHarness.reply("Say", #"{"notFound":{"message":"no such name"}}"#)
                : DispatchHarness.reply("Say", #"{"invalid":{"message":"bad"}}"#)
        }
        let notFound = harness.send("POST", "/v1/echo/missing", body: "{}")
        #expect(notFound.only?.status == 404)
        #expect(notFound.bodyText == #"{"error":{"type":"NotFound","exception":{"message":"no such name"}}}"#)
        let invalid = harness.send("POST", "/v1/echo/other", body: "{}")
        #expect(invalid.only?.status == 500)
        #expect(invalid.bodyText == #"{"error":{"type":"Invalid","exception":{"message":"bad"}}}"#)
    }

    @Test("a TApplicationException is 502 with its type and message")
    func applicationException() throws {
        let harness = try DispatchHarness { _ in DispatchHarness.applicationException(type: 1, message: "unknown method") }
        let box = harness.send("GET", "/v1/ping")
        #expect(box.only?.status == 502)
        #expect(box.bodyText == #"{"error":{"code":"application_exception","type":1,"message":"unknown method"}}"#)
    }

    @Test("client timeouts are 504; other client failures 502")
    func clientErrors() throws {
        let timeout = try DispatchHarness { _ in .failure(ClientError(.requestTimeout, "no reply within 1s")) }
        let timedOut = timeout.send("GET", "/v1/ping")
        #expect(timedOut.only?.status == 504)
        #expect(timedOut.bodyText == #"{"error":{"code":"gateway_timeout","message":"service 'echo' did not answer in time"}}"#)
        let refused = try DispatchHarness { _ in .failure(ClientError(.connectFailed, "connection refused")) }
        let failed = refused.send("GET", "/v1/ping")
        #expect(failed.only?.status == 502)
        #expect(failed.bodyText == #"{"error":{"code":"bad_gateway","message":"service 'echo' is unreachable: no connection to its backend could be opened"}}"#)
    }

    @Test("a reply that is not valid Thrift is 502")
    func malformedReply() throws {
        let harness = try DispatchHarness { _ in .success(ThriftReply(messageType: .reply, body: ByteBuffer(bytes: [12, 0]))) }
        let box = harness.send("POST", "/v1/echo/x", body: "{}")
        #expect(box.only?.status == 502)
        #expect(box.bodyText?.contains(#""code":"bad_gateway""#) == true)
    }

    @Test("bad request bodies are 400 naming the JSON path and byte offset; nothing is sent")
    func transcodeErrors() throws {
        let harness = try DispatchHarness { _ in DispatchHarness.reply("Say", #"{"success":{}}"#) }
        let wrongType = harness.send("POST", "/v1/echo/x", body: #"{"page":"three"}"#)
        #expect(wrongType.only?.status == 400)
        #expect(wrongType.bodyText?.hasPrefix(#"{"error":{"code":"wrong_type","message":"#) == true)
        #expect(wrongType.bodyText?.contains(#""field":"$.req.page""#) == true)
        let syntax = harness.send("POST", "/v1/echo/x", body: #"{"page": 3"#)
        #expect(syntax.only?.status == 400)
        #expect(syntax.bodyText?.contains(#""code":"invalid_json""#) == true)
        #expect(syntax.bodyText?.contains(#""offset":10"#) == true)
        let unknown = harness.send("PUT", "/v1/strict", body: #"{"nope":1}"#)
        #expect(unknown.only?.status == 400)
        #expect(unknown.bodyText?.contains(#""code":"unknown_field""#) == true)
        let badQuery = harness.send("POST", "/v1/echo/x?verbose=perhaps", body: "{}")
        #expect(badQuery.only?.status == 400)
        let badEscape = harness.send("POST", "/v1/echo/%zz", body: "{}")
        #expect(badEscape.bodyText == #"{"error":{"code":"invalid_argument","message":"path parameter 'req.name' is not valid percent-encoded UTF-8"}}"#)
        #expect(harness.callers.first?.calls.isEmpty == true)
    }

    @Test("404 for unknown paths, 405 with Allow for a known path")
    func routing() throws {
        let harness = try DispatchHarness { _ in DispatchHarness.reply("Ping", "{}") }
        let notFound = harness.send("GET", "/v2/nothing")
        #expect(notFound.only?.status == 404)
        #expect(notFound.bodyText == #"{"error":{"code":"route_not_found","message":"no route for GET /v2/nothing"}}"#)
        let wrongMethod = harness.send("DELETE", "/v1/echo/x")
        #expect(wrongMethod.only?.status == 405)
        #expect(wrongMethod.only?.headers.first?.name == "allow")
        #expect(wrongMethod.only?.headers.first?.value == "POST")
    }
}
