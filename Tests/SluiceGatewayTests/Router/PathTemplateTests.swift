import Testing
@testable import SluiceGateway

@Suite("Path templates")
struct PathTemplateTests {
    @Test("literals, variables, wildcards and api-style params parse")
    func parses() throws {
        let template = try PathTemplate.parse("/v1/{req.name}/x/{id=*}/:page/*/{rest=**}")
        #expect(template.segments == [
            .literal("v1"),
            .single(.init(name: "req.name", fieldPath: ["req", "name"])),
            .literal("x"),
            .single(.init(name: "id", fieldPath: ["id"])),
            .single(.init(name: "page", fieldPath: ["page"])),
            .single(nil),
            .rest(.init(name: "rest", fieldPath: ["rest"])),
        ])
        #expect(try PathTemplate.parse("/files/*path").segments == [.literal("files"), .rest(.init(name: "path", fieldPath: ["path"]))])
        #expect(try PathTemplate.parse("/").segments == [.literal("")])
        #expect(try PathTemplate.parse("/a/**").segments == [.literal("a"), .rest(nil)])
    }

    @Test(
        "bad templates say what is wrong and where",
        arguments: [
            ("v1/x", "a path template must start with '/' (at character 1)"),
            ("/v1/{name", "'{' without '}' (at character 5)"),
            ("/v1/{name=shelves/*", "'{' without '}' (at character 5)"),
            ("/v1/{a={b}}", "a variable cannot hold another variable (at character 8)"),
            ("/v1/{a}x", "a variable must be a whole segment, as in '/a/{name}/b' (at character 8)"),
            ("/v1/x{name}", "a variable must be a whole segment, as in '/a/{name}/b' (at character 6)"),
            ("/v1/{a.}", "'a.' is not a field path like 'req.name' (at character 8)"),
            ("/v1/{}", "a variable needs a name (at character 6)"),
            ("/v1/{a=}", "'=' must be followed by segments, as in '{name=shelves/*}' (at character 8)"),
            ("/v1/{a=b//c}", "a variable's pattern cannot have an empty segment (at character 10)"),
            ("/v1/{a=**}/b", "nothing may follow a rest-of-path variable (at character 12)"),
            ("/v1/**/b", "nothing may follow '**' (at character 8)"),
            ("/v1/*rest/b", "nothing may follow a rest-of-path variable (at character 11)"),
            ("/v1/{a=**/b}", "nothing may follow '**' (at character 11)"),
            ("/v1/{a=x/**}/c", "nothing may follow '**' (at character 14)"),
            ("/v1/{a}/{b=x/*}/{a}", "variable 'a' appears twice (at character 18)"),
            ("/v1/{a}:", "':' must be followed by a verb (at character 8)"),
            ("/v1/x:", "':' must be followed by a verb (at character 6)"),
            ("/v1/{a}:x/b", "a custom verb ends the template and is one literal, as in '/v1/{name}:cancel' (at character 10)"),
            ("/v1/{a}:x:y", "a custom verb ends the template and is one literal, as in '/v1/{name}:cancel' (at character 10)"),
            ("/v1/:", "a variable needs a name (at character 6)"),
        ]
    )
    func rejects(text: String, message: String) {
        #expect(throws: PathTemplateError.self) { try PathTemplate.parse(text) }
        do {
            _ = try PathTemplate.parse(text)
        } catch {
            #expect(error.description == message)
        }
    }

    @Test("templates of the same shape compare equal whatever their variables are called")
    func shape() throws {
        #expect(try PathTemplate.parse("/a/{x}/b").shape == PathTemplate.parse("/a/:y/b").shape)
        #expect(try PathTemplate.parse("/a/{x=**}").shape == PathTemplate.parse("/a/*rest").shape)
        #expect(try PathTemplate.parse("/a/{x}").shape != PathTemplate.parse("/a/{x=**}").shape)
        #expect(try PathTemplate.parse("/a/{x=b/*}").shape == PathTemplate.parse("/a/b/{y}").shape)
        #expect(try PathTemplate.parse("/a/{x}:cancel").shape == PathTemplate.parse("/a/:y:cancel").shape)
        #expect(try PathTemplate.parse("/a/{x}:cancel").shape != PathTemplate.parse("/a/{x}").shape)
        #expect(try PathTemplate.parse("/a/{x}:cancel").shape != PathTemplate.parse("/a/{x}:undo").shape)
        #expect(try PathTemplate.parse("/a/{x=b/*}").shape != PathTemplate.parse("/a/{x=b/**}").shape)
    }

    @Test("a variable with a pattern spans its segments, which bind nothing themselves")
    func patternVariables() throws {
        let books = try PathTemplate.parse("/v1/{name=projects/*/books/*}")
        #expect(books.segments == [.literal("v1"), .literal("projects"), .single(nil), .literal("books"), .single(nil)])
        #expect(books.patternVariables == [.init(variable: .init(name: "name", fieldPath: ["name"]), segments: 1..<5)])
        #expect(books.verb == nil)

        let shelves = try PathTemplate.parse("/v1/{parent=shelves/*}/books/{book.id}/{rest=x/**}")
        #expect(shelves.segments == [
            .literal("v1"), .literal("shelves"), .single(nil), .literal("books"),
            .single(.init(name: "book.id", fieldPath: ["book", "id"])), .literal("x"), .rest(nil),
        ])
        #expect(shelves.variables.map(\.name) == ["parent", "book.id", "rest"])
        #expect(shelves.captures.map(\.segments) == [1..<3, 4..<5, 5..<7])

        // A lone `*` or `**` is the one-segment or rest form.
        #expect(try PathTemplate.parse("/v1/{a=*}/{b=**}").patternVariables.isEmpty)
        #expect(try PathTemplate.parse("/v1/{a=x}").patternVariables.map(\.segments) == [1..<2])
    }

    @Test(
        "a ':' after other text in the last segment starts the custom verb",
        arguments: [
            ("/v1/{name=messages/*}:cancel", "cancel", 3),
            ("/v1/books:batchGet", "batchGet", 2),
            ("/v1/**:verb", "verb", 2),
            ("/v1/{name}:cancel", "cancel", 2),
            ("/v1/{name=**}:get", "get", 2),
            ("/v1/a:b:c", "c", 2),  // the last ':', as grpc-gateway splits both templates and paths
            ("/items/:id:undo", "undo", 2),
        ] as [(String, String, Int)]
    )
    func verbs(text: String, verb: String, segments: Int) throws {
        let template = try PathTemplate.parse(text)
        #expect(template.verb == verb)
        #expect(template.segments.count == segments)
    }

    @Test("a ':' elsewhere is part of a literal, or starts a Hertz variable")
    func noVerb() throws {
        #expect(try PathTemplate.parse("/v1/a:b/c") == PathTemplate(text: "/v1/a:b/c", segments: [.literal("v1"), .literal("a:b"), .literal("c")]))
        #expect(try PathTemplate.parse("/v1/a:b").segments == [.literal("v1"), .literal("a")])
        #expect(try PathTemplate.parse("/items/:id").segments == [.literal("items"), .single(.init(name: "id", fieldPath: ["id"]))])
        #expect(try PathTemplate.parse("/items/:id").verb == nil)
        #expect(try PathTemplate.parse("/v1/{a=x:y}").verb == nil)
    }
}
