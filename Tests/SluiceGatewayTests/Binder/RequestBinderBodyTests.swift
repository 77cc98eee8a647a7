import NIOCore
import SluiceJSON
import SluiceThrift
import Testing
@testable import SluiceGateway

/// Content types, forms, raw bodies and comma lists.
@Suite("Binder: bodies and the HTTP mapping")
struct RequestBinderBodyTests {
    static let origin = RequestBinderTests.origin

    static func parameter(_ name: String, _ path: [String], commas: Bool = false, binary: Bool = false) -> RouteConfiguration.Parameter {
        RouteConfiguration.Parameter(name: name, fieldPath: path, origin: origin, splitsCommas: commas, isBinary: binary)
    }

    static func bind(_ route: RouteConfiguration, contentType: String?, body: String, target: String = "/b") throws(BindingError) -> CallInput {
        let headers = contentType.map { [(name: "Content-Type", value: $0)] } ?? []
        let request = GatewayRequest(method: "POST", target: target, headers: GatewayHeaders(headers), body: ByteBuffer(string: body))
        return try RequestBinder(route: route).bind(request)
    }

    static func jsonRoute() throws -> RouteConfiguration {
        try RequestBinderTests.route("/b", body: .field(["req"]))
    }

    static func formRoute() throws -> RouteConfiguration {
        var route = try jsonRoute()
        route.form = [parameter("n", ["req", "name"]), parameter("tags", ["req", "tags"]), parameter("file", ["req", "blob"], binary: true)]
        return route
    }

    @Test("JSON is application/json, any +json type, or no Content-Type; curl's form type with a JSON-looking body too")
    func jsonBodies() throws {
        let route = try Self.jsonRoute()
        for contentType in [nil, "application/json", "Application/JSON; charset=utf-8", "application/problem+json"] {
            #expect(try Self.bind(route, contentType: contentType, body: #"{"a":1}"#).body != nil)
        }
        for body in [#"{"a":1}"#, "  \n[1]"] {
            #expect(try Self.bind(route, contentType: "application/x-www-form-urlencoded", body: body).body != nil)
        }
    }

    @Test("other bodies on a JSON-only route are a 415 naming what came and what is accepted")
    func unsupported() throws {
        let route = try Self.jsonRoute()
        #expect(throws: BindingError(.unsupportedMediaType, source: "the request body", message: "unsupported Content-Type 'text/plain': this route accepts application/json")) {
            try Self.bind(route, contentType: "text/plain; charset=utf-8", body: "{}")
        }
        #expect(throws: BindingError(.unsupportedMediaType, source: "the request body", message: "unsupported Content-Type 'application/x-www-form-urlencoded': this route accepts application/json")) {
            try Self.bind(route, contentType: "application/x-www-form-urlencoded", body: "a=1")
        }
        #expect(throws: BindingError(.unsupportedMediaType, source: "the request body", message: "unsupported Content-Type 'multipart/form-data': this route accepts application/json")) {
            try Self.bind(route, contentType: "multipart/form-data; boundary=x", body: "--x--")
        }
        let form = try Self.formRoute()
        #expect(throws: BindingError(.unsupportedMediaType, source: "the request body", message: "unsupported Content-Type 'application/xml': this route accepts application/json, application/x-www-form-urlencoded, multipart/form-data")) {
            try Self.bind(form, contentType: "application/xml", body: "<a/>")
        }
        let error = GatewayError(binding: BindingError(.unsupportedMediaType, source: "x", message: "m"))
        #expect(error.code.status == 415)
    }

    @Test("a urlencoded form fills its keys and no JSON is read; lists repeat")
    func urlencoded() throws {
        let input = try Self.bind(try Self.formRoute(), contentType: "application/x-www-form-urlencoded", body: "n=a+b%21&tags=x&other=1&tags=y")
        #expect(input.body == nil)
        #expect(input.bodyTarget == ["req"])
        #expect(input.bound.map(\.text) == ["a b!", "x", "y"])
        #expect(input.bound.map(\.source) == ["form field 'n'", "form field 'tags'", "form field 'tags'"])
        #expect(throws: BindingError(source: "form field 'n'", message: "form field 'n' is not valid percent-encoded UTF-8")) {
            try Self.bind(try Self.formRoute(), contentType: "application/x-www-form-urlencoded", body: "n=%FF")
        }
    }

    @Test("multipart/form-data: values by part name, a binary field takes a file's bytes as they are")
    func multipart() throws {
        let body = "preamble\r\n--XyZ\r\nContent-Disposition: form-data; name=\"n\"\r\n\r\nhello\r\n"
            + "--XyZ\r\ncontent-disposition: form-data; name=\"file\"; filename=\"a.bin\"\r\nContent-Type: application/octet-stream\r\n\r\n\u{1}\u{2}\r\n"
            + "--XyZ\r\nContent-Disposition: form-data; name=\"skip\"\r\n\r\nz\r\n--XyZ--\r\n"
        let input = try Self.bind(try Self.formRoute(), contentType: "multipart/form-data; boundary=\"XyZ\"", body: body)
        #expect(input.body == nil)
        #expect(input.bound == [
            BoundValue(path: ["req", "name"], text: "hello", source: "form field 'n'"),
            BoundValue(path: ["req", "blob"], text: Base64.encode([1, 2]), source: "form field 'file'"),
        ])
    }

    @Test("malformed multipart bodies are a 400 saying what is wrong")
    func badMultipart() throws {
        let route = try Self.formRoute()
        let cases = [
            ("--b\r\nContent-Disposition: form-data; name=\"n\"\r\n\r\nno end", "a part does not end with the boundary"),
            ("--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--", "a part has no Content-Disposition name"),
            ("nothing", "no boundary"),
            ("--bX", "a boundary is not followed by CRLF"),
            ("--b\r\nContent-Disposition form-data\r\n\r\nx\r\n--b--", "header field without ':'"),
        ]
        for (body, why) in cases {
            #expect(throws: BindingError(source: "the request body", message: "malformed multipart/form-data body: \(why)")) {
                try Self.bind(route, contentType: "multipart/form-data; boundary=b", body: body)
            }
        }
        #expect(throws: BindingError(source: "the request body", message: "multipart/form-data needs a boundary parameter (1 to 70 characters)")) {
            try Self.bind(route, contentType: "multipart/form-data", body: "x")
        }
    }

    @Test("api.raw_body: the bytes as they came, with JSON still read when the body is JSON; any type is accepted")
    func rawBody() throws {
        var route = try Self.jsonRoute()
        route.rawBody = RouteConfiguration.RawBody(fieldPath: ["req", "name"], isBinary: false)
        let text = try Self.bind(route, contentType: "text/plain", body: "héllo")
        #expect(text.body == nil)
        #expect(text.bound == [BoundValue(path: ["req", "name"], text: "héllo", source: "the raw request body")])
        let json = try Self.bind(route, contentType: nil, body: #"{"a":1}"#)
        #expect(json.body != nil)
        #expect(json.bound.map(\.text) == [#"{"a":1}"#])
        route.rawBody = RouteConfiguration.RawBody(fieldPath: ["req", "blob"], isBinary: true)
        let binary = try Self.bind(route, contentType: "application/octet-stream", body: "ab")
        #expect(binary.bound.map(\.text) == [Base64.encode(Array("ab".utf8))])
    }

    @Test("api.raw_uri: the path and query as they came, still percent-encoded, absolute-form reduced to them")
    func rawURI() throws {
        var route = try Self.jsonRoute()
        route.rawURI = ["req", "name"]
        let withQuery = try Self.bind(route, contentType: nil, body: "", target: "/b?q=a%20b&x")
        #expect(withQuery.bound == [BoundValue(path: ["req", "name"], text: "/b?q=a%20b&x", source: "the request URI")])
        let bare = try Self.bind(route, contentType: nil, body: "", target: "http://host:8080/b%2Fc#frag")
        #expect(bare.bound.map(\.text) == ["/b%2Fc"])
        route.rawURI = nil
        #expect(try Self.bind(route, contentType: nil, body: "", target: "/b?q=1").bound.isEmpty)
    }

    @Test("list parameters split commas: ?items=a,b&items=c gives three values; others keep their commas")
    func commaLists() throws {
        var route = try Self.jsonRoute()
        route.query = [Self.parameter("items", ["req", "tags"], commas: true), Self.parameter("q", ["req", "name"])]
        route.headers = [Self.parameter("X-Ids", ["req", "ids"], commas: true)]
        let request = GatewayRequest(
            method: "GET", target: "/b?items=a,b&items=c&q=x,y", headers: GatewayHeaders([(name: "x-ids", value: "1, 2,,")]), body: nil
        )
        let input = try RequestBinder(route: route).bind(request)
        #expect(input.bound.map(\.text) == ["a", "b", "c", "x,y", "1", "2"])
    }

    @Test("a GET route from the IDL ignores the body but always sends its request struct")
    func fieldWithoutBody() throws {
        var route = try RequestBinderTests.route("/b", body: .fieldWithoutBody(["req"]))
        route.httpAnnotations = true
        let input = try Self.bind(route, contentType: "text/plain", body: "ignored")
        #expect(input.body == nil)
        #expect(input.bodyTarget == ["req"])
        #expect(input.sendsEmptyTarget)
    }
}
