import Testing
@testable import SluiceGateway

/// `method: "*"` (routes to http services): any method, unless a route for the exact method shares the path.
@Suite("Router: any-method routes")
struct RouterAnyMethodTests {
    @Test("'*' takes every method; an exact method's route wins wherever it was added")
    func anyMethod() throws {
        let router = Router(routes: [
            (method: "*", template: try PathTemplate.parse("/web/{rest=**}")),
            (method: "POST", template: try PathTemplate.parse("/web/{rest=**}")),
            (method: "GET", template: try PathTemplate.parse("/web/exact")),
        ])
        #expect(router.match(method: "GET", path: "/web/a/b") == .route(0))
        #expect(router.match(method: "PROPFIND", path: "/web/a") == .route(0))
        #expect(router.match(method: "HEAD", path: "/web") == .route(0))
        #expect(router.match(method: "POST", path: "/web/a") == .route(1))
        #expect(router.match(method: "GET", path: "/web/exact") == .route(2))
        #expect(router.match(method: "PUT", path: "/web/exact") == .route(0))
        #expect(router.match(method: "GET", path: "/other") == .notFound)
    }
}
