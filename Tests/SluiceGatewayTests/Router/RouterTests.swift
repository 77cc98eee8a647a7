import Testing
@testable import SluiceGateway

@Suite("Router")
struct RouterTests {
    static let table: [(String, String)] = [
        ("GET", "/v1/echo/{req.name}"),  // 0
        ("POST", "/v1/echo/{req.name}"),  // 1
        ("GET", "/v1/echo/special"),  // 2
        ("GET", "/v1/files/{path=**}"),  // 3
        ("GET", "/a/{x}/c"),  // 4
        ("GET", "/a/b/d"),  // 5
        ("DELETE", "/v1/items/:id"),  // 6
        ("GET", "/"),  // 7
        ("GET", "/v1/echo/"),  // 8
        ("PUT", "/v1/files/{path=**}"),  // 9
        ("HEAD", "/v1/heads/{x}"),  // 10
        ("GET", "/v1/heads/{x}"),  // 11
        ("GET", "/v1/heads/literal"),  // 12
    ]

    static func router() throws -> Router {
        Router(routes: try table.map { (method: $0.0, template: try PathTemplate.parse($0.1)) })
    }

    @Test(
        "matches",
        arguments: [
            ("GET", "/v1/echo/alice", Router.Match.route(0)),
            ("POST", "/v1/echo/alice", .route(1)),
            ("GET", "/v1/echo/special", .route(2)),
            ("POST", "/v1/echo/special", .route(1)),  // the literal has no POST; the variable does
            ("GET", "/v1/files/a/b/c.txt", .route(3)),
            ("GET", "/v1/files", .route(3)),  // ** matches zero segments
            ("GET", "/v1/files/", .route(3)),
            ("GET", "/a/b/c", .route(4)),  // backtracks from the literal 'b' branch
            ("GET", "/a/b/d", .route(5)),
            ("GET", "/a/z/c", .route(4)),
            ("DELETE", "/v1/items/42", .route(6)),
            ("GET", "/", .route(7)),
            ("GET", "/v1/echo/", .route(8)),
            ("GET", "/v1/echo/al%20ice", .route(0)),
            // HEAD falls back to the GET route (RFC 9110 §9.3.2) unless the path has a HEAD route of its own.
            ("HEAD", "/v1/echo/alice", .route(0)),
            ("HEAD", "/v1/files/a/b", .route(3)),
            ("HEAD", "/v1/heads/x", .route(10)),
            ("HEAD", "/v1/heads/literal", .route(10)),  // any HEAD route wins over the GET fallback
        ]
    )
    func matches(method: String, path: String, expected: Router.Match) throws {
        #expect(try Self.router().match(method: method, path: path[...]) == expected)
    }

    @Test(
        "unknown paths are notFound",
        arguments: ["/v2/echo/alice", "/v1/echo/alice/more", "/a/b", "/a//c", "/v1", "", "v1/echo/x", "/v1/items/"]
    )
    func notFound(path: String) throws {
        #expect(try Self.router().match(method: "GET", path: path[...]) == .notFound)
    }

    @Test("a known path with the wrong method lists every method it allows")
    func methodNotAllowed() throws {
        let router = try Self.router()
        #expect(router.match(method: "DELETE", path: "/v1/echo/alice") == .methodNotAllowed(allowed: ["GET", "HEAD", "POST"]))
        #expect(router.match(method: "POST", path: "/v1/files/x") == .methodNotAllowed(allowed: ["GET", "HEAD", "PUT"]))
        // Both the literal and the variable match: the union of their methods.
        #expect(router.match(method: "PATCH", path: "/v1/echo/special") == .methodNotAllowed(allowed: ["GET", "HEAD", "POST"]))
        #expect(router.match(method: "GET", path: "/v1/items/3") == .methodNotAllowed(allowed: ["DELETE"]))
        // No GET route, so no HEAD either.
        #expect(router.match(method: "HEAD", path: "/v1/items/3") == .methodNotAllowed(allowed: ["DELETE"]))
    }

    @Test("an empty table finds nothing")
    func empty() {
        #expect(Router(routes: []).match(method: "GET", path: "/") == .notFound)
    }
}
