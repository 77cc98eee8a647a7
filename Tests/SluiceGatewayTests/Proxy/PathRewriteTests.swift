import Testing
@testable import SluiceGateway

@Suite("Proxy path rewrite")
struct PathRewriteTests {
    private func rewrite(_ text: String, _ template: String) throws -> PathRewrite {
        try PathRewrite.parse(text, template: PathTemplate.parse(template))
    }

    @Test("a rest-of-path variable keeps its slashes and its percent-encoding")
    func rest() throws {
        let rule = try rewrite("/assets/{rest}", "/static/{rest=**}")
        #expect(rule.apply(to: "/static/css/site%20v2.css") == "/assets/css/site%20v2.css")
        #expect(rule.apply(to: "/static/") == "/assets/")
        #expect(rule.apply(to: "/static") == "/assets/")
    }

    @Test("one-segment variables can be reordered and repeated, between literals")
    func singles() throws {
        let rule = try rewrite("/v2/{b}/items/{a}-{b}", "/v1/{a}/x/{b}")
        #expect(rule.apply(to: "/v1/one/x/two") == "/v2/two/items/one-two")
        let colon = try rewrite("/u/{id}", "/users/:id")
        #expect(colon.apply(to: "/users/42") == "/u/42")
    }

    @Test("a google.api.http pattern variable copies the segments it spans; a verb is no part of a value")
    func patterns() throws {
        let books = try rewrite("/b/{name}", "/v1/{name=shelves/*/books/*}")
        #expect(books.apply(to: "/v1/shelves/s1/books/b%2F2") == "/b/shelves/s1/books/b%2F2")
        let rest = try rewrite("/r/{name}/end", "/v1/{name=shelves/**}")
        #expect(rest.apply(to: "/v1/shelves/a/b/c") == "/r/shelves/a/b/c/end")
        let verb = try rewrite("/cancel/{name}", "/v1/{name=ops/*}:cancel")
        #expect(verb.apply(to: "/v1/ops/7:cancel") == "/cancel/ops/7")
        let single = try rewrite("/x/{id}", "/v1/{id}:run")
        #expect(single.apply(to: "/v1/a:b:run") == "/x/a:b")
    }

    @Test("an unknown variable, an unclosed brace and a relative rewrite name their character")
    func errors() throws {
        let template = try PathTemplate.parse("/static/{rest=**}")
        #expect(throws: PathRewriteError(offset: 8, message: "unknown variable '{file}' (the route's path has rest)")) {
            try PathRewrite.parse("/assets/{file}", template: template)
        }
        #expect(throws: PathRewriteError(offset: 3, message: "'{' without '}'")) {
            try PathRewrite.parse("/a/{rest", template: template)
        }
        #expect(throws: PathRewriteError(offset: 2, message: "'}' without '{'")) {
            try PathRewrite.parse("/a}", template: template)
        }
        #expect(throws: PathRewriteError(offset: 0, message: "a rewrite must start with '/'")) {
            try PathRewrite.parse("assets/{rest}", template: template)
        }
        #expect(throws: PathRewriteError(offset: 1, message: "unknown variable '{x}' (the route's path has none)")) {
            try PathRewrite.parse("/{x}", template: PathTemplate.parse("/plain"))
        }
    }
}
