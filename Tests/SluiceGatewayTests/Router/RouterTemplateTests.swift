import Testing
@testable import SluiceGateway

/// google.api.http templates: variables over several segments and custom verbs.
@Suite("Router: google.api.http templates")
struct RouterTemplateTests {
    static let table: [(String, String)] = [
        ("GET", "/v1/{name=shelves/*/books/*}"),  // 0
        ("GET", "/v1/{name}:cancel"),  // 1
        ("GET", "/v1/{name}"),  // 2
        ("POST", "/v1/books:batchGet"),  // 3
        ("GET", "/v2/**:download"),  // 4
        ("GET", "/v2/{path=**}"),  // 5
        ("POST", "/v1/{name=messages/*}:cancel"),  // 6
        ("GET", "/v1/{parent=shelves/*}/books"),  // 7
        ("GET", "/v1/a:b/c"),  // 8
    ]

    static func router() throws -> Router {
        Router(routes: try table.map { (method: $0.0, template: try PathTemplate.parse($0.1)) })
    }

    @Test(
        "matches",
        arguments: [
            ("GET", "/v1/shelves/s1/books/b2", Router.Match.route(0)),
            ("GET", "/v1/shelves/s1/books", .route(7)),
            // With a verb first, then whole: the verb route takes `x:cancel`, the plain one `x` and other verbs.
            ("GET", "/v1/x:cancel", .route(1)),
            ("GET", "/v1/x", .route(2)),
            ("GET", "/v1/x:other", .route(2)),
            ("GET", "/v1/x%3Acancel", .route(2)),  // an escaped ':' is not a verb
            ("GET", "/v1/:cancel", .route(2)),  // nor is a ':' starting the segment
            ("GET", "/v1/a:b:cancel", .route(1)),  // the last ':' starts the verb
            ("POST", "/v1/books:batchGet", .route(3)),
            ("GET", "/v1/books:batchGet", .route(2)),  // the literal with that verb has no GET
            ("POST", "/v1/messages/m1:cancel", .route(6)),
            ("GET", "/v2/a/b:download", .route(4)),
            ("GET", "/v2:download", .route(4)),  // ** matches zero segments before the verb too
            ("GET", "/v2/a/b", .route(5)),
            ("GET", "/v2/a:x/b", .route(5)),  // a ':' before the last segment is not a verb
            ("GET", "/v1/a:b/c", .route(8)),
            ("HEAD", "/v1/x:cancel", .route(1)),
        ]
    )
    func matches(method: String, path: String, expected: Router.Match) throws {
        #expect(try Self.router().match(method: method, path: path[...]) == expected)
    }

    @Test(
        "paths no template matches are notFound",
        arguments: ["/v1/shelves/s1/books/b2/c", "/v1/shelves//books/b2", "/v1/messages/m1/x:cancel", "/v3/x:cancel"]
    )
    func notFound(path: String) throws {
        #expect(try Self.router().match(method: "GET", path: path[...]) == .notFound)
    }

    @Test("a wrong method lists the methods of the verb routes and the plain routes the path matches")
    func methodNotAllowed() throws {
        let router = try Self.router()
        #expect(router.match(method: "PUT", path: "/v1/books:batchGet") == .methodNotAllowed(allowed: ["GET", "HEAD", "POST"]))
        #expect(router.match(method: "GET", path: "/v1/messages/m1:cancel") == .methodNotAllowed(allowed: ["POST"]))
        #expect(router.match(method: "DELETE", path: "/v2/a:download") == .methodNotAllowed(allowed: ["GET", "HEAD"]))
    }

    @Test("without verb routes, a ':' in a path is matched as written")
    func noVerbRoutes() throws {
        let router = Router(routes: [(method: "GET", template: try PathTemplate.parse("/v1/{name}"))])
        #expect(router.match(method: "GET", path: "/v1/x:cancel") == .route(0))
    }
}
