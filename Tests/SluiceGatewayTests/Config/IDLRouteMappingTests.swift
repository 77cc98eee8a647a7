import SluiceThrift
import Testing
@testable import SluiceGateway

/// The Kitex/Hertz Thrift-HTTP mapping rules for fields of generated routes.
@Suite("Routes from api.* annotations: field mapping")
struct IDLRouteMappingTests {
    func generate(
        _ annotation: (String, String),
        method: [(String, String)] = [],
        fields: [String: [(String, String)]] = [:]
    ) throws -> (RouteConfiguration?, [String]) {
        let schema = TestSchemas.echo(sayAnnotations: [annotation] + method, fieldAnnotations: fields)
        var fixture = ConfigFixture(["echo.yaml": IDLRouteGenerationTests.services])
        fixture.idls = ["echo.thrift": schema]
        let result = try fixture.run()
        return (result.configuration?.routes.first, result.diagnostics)
    }

    static func names(_ parameters: [RouteConfiguration.Parameter]) -> [String] {
        parameters.map { "\($0.name)=\($0.fieldPath.joined(separator: "."))\($0.splitsCommas ? ",," : "")" }
    }

    @Test("GET and DELETE bind unannotated text fields from the query by name; api.body and non-text fields are not bound")
    func unannotatedOnGet() throws {
        for method in ["api.get", "api.delete"] {
            let (route, diagnostics) = try generate((method, "/v1"), fields: ["user": [("api.body", "u")], "page": [("api.query", "")]])
            #expect(diagnostics == [])
            let built = try #require(route)
            // inner (struct) and attrs (map) cannot come from text; user is api.body; page's empty key is its name.
            #expect(Self.names(built.query) == ["name=req.name", "verbose=req.verbose", "tags=req.tags", "page=req.page"])
            #expect(built.form.isEmpty)
        }
        let (post, _) = try generate(("api.post", "/v1"))
        #expect(try #require(post).query.isEmpty)
    }

    @Test("a path without a leading slash is served under /")
    func leadingSlash() throws {
        let (route, diagnostics) = try generate(("api.get", "student/query/:name"))
        #expect(diagnostics == [])
        #expect(route?.template.text == "/student/query/:name")
    }

    @Test("api.query and api.header lists split commas; scalars and cookies do not")
    func commaLists() throws {
        let (route, _) = try generate(
            ("api.post", "/v1"),
            fields: ["tags": [("api.query", "items")], "name": [("api.header", "X-Name")], "user": [("api.cookie", "sid")]]
        )
        let built = try #require(route)
        #expect(Self.names(built.query) == ["items=req.tags,,"])
        #expect(Self.names(built.headers) == ["X-Name=req.name"])
        #expect(Self.names(built.cookies) == ["sid=req.user"])
    }

    @Test("api.serializer='form' or api.form makes form keys: api.form, else api.body, else the name")
    func forms() throws {
        let (route, diagnostics) = try generate(
            ("api.post", "/v1"), method: [("api.serializer", "form")],
            fields: ["name": [("api.form", "n")], "user": [("api.body", "u")], "page": [("api.header", "p")]]
        )
        #expect(diagnostics == [])
        #expect(Self.names(try #require(route).form) == ["n=req.name", "verbose=req.verbose", "u=req.user", "tags=req.tags"])
        let (annotated, _) = try generate(("api.put", "/v1"), fields: ["name": [("api.form", "")]])
        #expect(Self.names(try #require(annotated).form).first == "name=req.name")
        let (json, _) = try generate(("api.post", "/v1"))
        #expect(try #require(json).form.isEmpty)
    }

    @Test("api.raw_body takes the body into a string or binary field; api.none binds nothing")
    func rawBodyAndNone() throws {
        let (route, diagnostics) = try generate(("api.get", "/v1"), fields: ["name": [("api.raw_body", "")], "user": [("api.none", "true")]])
        #expect(diagnostics == [])
        let built = try #require(route)
        #expect(built.rawBody == RouteConfiguration.RawBody(fieldPath: ["req", "name"], isBinary: false))
        #expect(!Self.names(built.query).contains { $0.hasPrefix("user=") || $0.hasPrefix("name=") })
        let (_, bad) = try generate(("api.post", "/v1"), fields: ["page": [("api.raw_body", "")]])
        #expect(bad == ["echo.thrift:17:1: api.raw_body on EchoRequest.page, which is an i32; only string and binary fields can hold the raw body"])
    }

    @Test("api.raw_uri takes the request URI into one string field; another type or a second one is an error")
    func rawURI() throws {
        let (route, diagnostics) = try generate(("api.get", "/v1"), fields: ["user": [("api.raw_uri", "")]])
        #expect(diagnostics == [])
        let built = try #require(route)
        #expect(built.rawURI == ["req", "user"])
        #expect(!Self.names(built.query).contains { $0.hasPrefix("user=") })
        let (_, wrongType) = try generate(("api.get", "/v1"), fields: ["page": [("api.raw_uri", "")]])
        #expect(wrongType == ["echo.thrift:17:1: api.raw_uri on EchoRequest.page, which is an i32; only a string field can hold the request URI"])
        let (_, twice) = try generate(("api.get", "/v1"), fields: ["name": [("api.raw_uri", "")], "user": [("api.raw_uri", "")]])
        #expect(twice == ["echo.thrift:13:1: api.raw_uri on EchoRequest.user: req.name already receives the request URI"])
    }

    @Test("a response api.raw_body must be one string or binary field, reported once per method")
    func responseRawBody() throws {
        func diagnostics(_ fields: [FieldDescriptor]) throws -> [String] {
            var schema = TestSchemas.echo(sayAnnotations: [("api.get", "/a"), ("api.post", "/b")])
            schema.structs[2].fields = fields
            var fixture = ConfigFixture(["echo.yaml": IDLRouteGenerationTests.services])
            fixture.idls = ["echo.thrift": schema]
            return try fixture.run().diagnostics
        }
        let raw = [("api.raw_body", "")]
        #expect(try diagnostics([TestSchemas.field(1, "text", .string, raw), TestSchemas.field(2, "blob", .binary)]) == [])
        #expect(try diagnostics([TestSchemas.field(1, "code", .i32, raw, line: 21)]) == [
            "echo.thrift:21:1: api.raw_body on EchoResponse.code, the response of EchoService.Say, which is an i32; only a string or binary field can be the response body"
        ])
        #expect(try diagnostics([TestSchemas.field(1, "text", .string, raw, line: 21), TestSchemas.field(2, "blob", .binary, raw, line: 22)]) == [
            "echo.thrift:22:1: api.raw_body on EchoResponse.blob: EchoResponse.text is already the response body of EchoService.Say"
        ])
    }

    @Test("api.vd is noted as ignored, not an error")
    func validationNoted() throws {
        let schema = TestSchemas.echo(
            sayAnnotations: [("api.get", "/a"), ("api.post", "/b")], fieldAnnotations: ["page": [("api.query", "p"), ("api.vd", "$>0")]]
        )
        var fixture = ConfigFixture(["echo.yaml": IDLRouteGenerationTests.services])
        fixture.idls = ["echo.thrift": schema]
        let result = try fixture.run()
        #expect(result.diagnostics == [])
        #expect(result.configuration?.notes.map(\.description) == [
            "echo.thrift:17:1: note: api.vd on EchoRequest.page is ignored: Sluice does not evaluate Hertz validation expressions"
        ])
    }
}
