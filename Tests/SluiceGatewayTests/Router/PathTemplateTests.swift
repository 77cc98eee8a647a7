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
            ("/v1/{name", "'{' must close with '}' at the end of the segment (at character 5)"),
            ("/v1/x{name}", "a variable must be a whole segment, as in '/a/{name}/b' (at character 6)"),
            ("/v1/{a.}", "'a.' is not a field path like 'req.name' (at character 8)"),
            ("/v1/{}", "a variable needs a name (at character 6)"),
            ("/v1/{a=x}", "only '*' or '**' may follow '=' in '{a=x}' (at character 8)"),
            ("/v1/{a=**}/b", "nothing may follow a rest-of-path variable (at character 12)"),
            ("/v1/{a}/{a}", "variable 'a' appears twice (at character 9)"),
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
    }
}
