import NIOCore
import SluiceJSON
import SluiceThrift
import Testing
@testable import SluiceGateway

@Suite("Binder")
struct RequestBinderTests {
    static let origin = ConfigOrigin(file: "t.yaml", line: 1, column: 1)

    static func route(
        _ path: String,
        body: RouteConfiguration.Body = .none,
        query: [(String, [String])] = [],
        headers: [(String, [String])] = [],
        cookies: [(String, [String])] = []
    ) throws -> RouteConfiguration {
        func parameters(_ list: [(String, [String])]) -> [RouteConfiguration.Parameter] {
            list.map { RouteConfiguration.Parameter(name: $0.0, fieldPath: $0.1, origin: origin) }
        }
        return RouteConfiguration(
            method: "POST",
            template: try PathTemplate.parse(path),
            service: "echo",
            call: "EchoService.Say",
            body: body,
            query: parameters(query),
            headers: parameters(headers),
            cookies: parameters(cookies),
            origin: origin
        )
    }

    static func bind(_ route: RouteConfiguration, _ target: String, headers: [(String, String)] = [], body: String? = nil) throws -> CallInput {
        let request = GatewayRequest(
            method: "POST",
            target: target,
            headers: GatewayHeaders(headers.map { (name: $0.0, value: $0.1) }),
            body: body.map { ByteBuffer(string: $0) }
        )
        return try RequestBinder(route: route).bind(request)
    }

    @Test("path variables are percent-decoded; ** keeps its slashes, and %2F as written (google.api.http)")
    func pathVariables() throws {
        let route = try Self.route("/v1/{req.user}/x/{req.name=**}")
        let input = try Self.bind(route, "/v1/al%20ice%2Fb/x/a/b%2Fc%2f%41.txt?ignored=1")
        #expect(input.bound == [
            BoundValue(path: ["req", "user"], text: "al ice/b", source: "path parameter 'req.user'"),
            BoundValue(path: ["req", "name"], text: "a/b%2Fc%2fA.txt", source: "path parameter 'req.name'"),
        ])
        #expect(input.body == nil)
    }

    @Test(
        "a variable with a pattern binds the segments it matches, joined by '/', keeping %2F as written",
        arguments: [
            ("/v1/{name=messages/*}", "/v1/messages/123456", "messages/123456"),  // http.proto's example
            ("/v1/{name=projects/*/books/*}", "/v1/projects/p1/books/b2", "projects/p1/books/b2"),
            ("/v1/{name=shelves/*/**}", "/v1/shelves/s%2F1/a/b%20c", "shelves/s%2F1/a/b c"),
            ("/v1/{name=shelves/**}", "/v1/shelves", "shelves"),
            ("/v1/{name=a/*}", "/v1/a/b%2fc", "a/b%2fc"),
            ("/v1/{name=a/*}/tail", "/v1/a/b/tail", "a/b"),
            // One segment, even with a pattern: decoded whole (http.proto: "exactly one path segment").
            ("/v1/{name=a%2Fb}", "/v1/a%2Fb", "a/b"),
            ("/v1/{name}", "/v1/a%2Fb", "a/b"),
        ]
    )
    func patternVariables(template: String, path: String, value: String) throws {
        let input = try Self.bind(try Self.route(template), path)
        #expect(input.bound == [BoundValue(path: ["name"], text: value, source: "path parameter 'name'")])
    }

    @Test("pattern variables and one-segment variables bind side by side, in path order")
    func mixedVariables() throws {
        let route = try Self.route("/v1/{parent=shelves/*}/books/{book.id}/{rest=x/**}")
        let input = try Self.bind(route, "/v1/shelves/s1/books/b%2F2/x/y/z")
        #expect(input.bound == [
            BoundValue(path: ["parent"], text: "shelves/s1", source: "path parameter 'parent'"),
            BoundValue(path: ["book", "id"], text: "b/2", source: "path parameter 'book.id'"),
            BoundValue(path: ["rest"], text: "x/y/z", source: "path parameter 'rest'"),
        ])
    }

    @Test(
        "a template's custom verb is no part of the value; without one, a ':' is",
        arguments: [
            ("/v1/{name=messages/*}:cancel", "/v1/messages/m1:cancel", "messages/m1"),
            ("/v1/{name}:cancel", "/v1/a:b:cancel", "a:b"),
            ("/v1/{name}:cancel", "/v1/a%3Ab:cancel", "a:b"),
            ("/v1/{name=**}:download", "/v1/a/b:download", "a/b"),
            ("/v1/{name}", "/v1/x:cancel", "x:cancel"),
        ]
    )
    func verbs(template: String, path: String, value: String) throws {
        let input = try Self.bind(try Self.route(template), path)
        #expect(input.bound == [BoundValue(path: ["name"], text: value, source: "path parameter 'name'")])
    }

    @Test("a rest of zero segments before a verb binds nothing")
    func emptyRestBeforeVerb() throws {
        #expect(try Self.bind(try Self.route("/v1/{name=**}:download"), "/v1:download").bound == [])
    }

    @Test("an api-style :param binds its field path")
    func colonParam() throws {
        var route = try Self.route("/items/:id/tags")
        route.template.segments[1] = .single(.init(name: "id", fieldPath: ["req", "page"]))
        let input = try Self.bind(route, "/items/7/tags")
        #expect(input.bound == [BoundValue(path: ["req", "page"], text: "7", source: "path parameter 'id'")])
    }

    @Test("query parameters: decoded, + is a space, repeated keys repeat, unknown keys are ignored")
    func query() throws {
        let route = try Self.route("/q", query: [("verbose", ["req", "verbose"]), ("tag", ["req", "tags"]), ("a b", ["req", "name"])])
        let input = try Self.bind(route, "/q?tag=x&verbose=true&other=1&tag=y%2Bz&tag=&a+b=hello+world&&flag")
        #expect(input.bound == [
            BoundValue(path: ["req", "tags"], text: "x", source: "query parameter 'tag'"),
            BoundValue(path: ["req", "verbose"], text: "true", source: "query parameter 'verbose'"),
            BoundValue(path: ["req", "tags"], text: "y+z", source: "query parameter 'tag'"),
            BoundValue(path: ["req", "tags"], text: "", source: "query parameter 'tag'"),
            BoundValue(path: ["req", "name"], text: "hello world", source: "query parameter 'a b'"),
        ])
    }

    @Test("headers match case-insensitively; cookies by exact name")
    func headersAndCookies() throws {
        let route = try Self.route("/h", headers: [("X-User", ["req", "user"])], cookies: [("session", ["req", "name"])])
        let input = try Self.bind(
            route,
            "/h",
            headers: [("x-user", "alice"), ("Cookie", "theme=dark; session=\"abc\""), ("cookie", "Session=no")]
        )
        #expect(input.bound == [
            BoundValue(path: ["req", "user"], text: "alice", source: "header 'X-User'"),
            BoundValue(path: ["req", "name"], text: "abc", source: "cookie 'session'"),
        ])
    }

    @Test("the body goes to the body target; no target ignores it; an empty body is no body")
    func body() throws {
        let field = try Self.bind(try Self.route("/b", body: .field(["req"])), "/b", body: #"{"name":"x"}"#)
        #expect(field.bodyTarget == ["req"])
        #expect(field.body.map { String(buffer: $0) } == #"{"name":"x"}"#)
        let whole = try Self.bind(try Self.route("/b", body: .arguments), "/b", body: "{}")
        #expect(whole.bodyTarget == [])
        #expect(whole.body != nil)
        let ignored = try Self.bind(try Self.route("/b"), "/b", body: "{}")
        #expect(ignored.body == nil)
        let empty = try Self.bind(try Self.route("/b", body: .field(["req"])), "/b", body: "")
        #expect(empty.body == nil)
    }

    @Test("bad percent-encoding is a binding error naming the source")
    func badEncoding() throws {
        #expect(throws: BindingError(source: "path parameter 'req.name'", message: "path parameter 'req.name' is not valid percent-encoded UTF-8")) {
            try Self.bind(try Self.route("/v1/{req.name}"), "/v1/%zz")
        }
        #expect(throws: BindingError(source: "path parameter 'name'", message: "path parameter 'name' is not valid percent-encoded UTF-8")) {
            try Self.bind(try Self.route("/v1/{name=shelves/*}:get"), "/v1/shelves/%FF:get")
        }
        #expect(throws: BindingError(source: "query parameter 'q'", message: "query parameter 'q' is not valid percent-encoded UTF-8")) {
            try Self.bind(try Self.route("/v1", query: [("q", ["req", "name"])]), "/v1?q=%FF")
        }
    }

    @Test("a request target splits into path and query, dropping the fragment")
    func target() {
        let request = GatewayRequest(method: "GET", target: "/a/b?x=1&y=2#frag", headers: GatewayHeaders(), body: nil)
        #expect(request.path == "/a/b")
        #expect(request.query == "x=1&y=2")
        let bare = GatewayRequest(method: "GET", target: "/a", headers: GatewayHeaders(), body: nil)
        #expect(bare.path == "/a")
        #expect(bare.query == "")
    }
}
