import SluiceThrift
import Testing

@Suite("IDL annotations on types and typedefs")
struct IDLTypeAnnotationTests {
    @Test("a typedef's annotations, and those on the type it names, survive resolution, innermost first")
    func typedefChain() throws {
        let schema = try parseIDL(
            """
            typedef i64 (js.type = "string") Id (go.tag = "json:\\"id\\"")
            typedef Id UserId (api.path = "uid")
            struct User { 1: UserId id; 2: Id plain; 3: i64 bare }
            """)
        #expect(schema.typedefs["UserId"] == .i64)
        #expect(schema.typedefAnnotations["Id"] == Annotations([("js.type", "string"), ("go.tag", "json:\"id\"")]))
        #expect(schema.typedefAnnotations["UserId"] == Annotations([
            ("js.type", "string"), ("go.tag", "json:\"id\""), ("api.path", "uid"),
        ]))
        let user = try #require(schema.structNamed("User"))
        #expect(user.fieldNamed("id")?.typeAnnotations["api.path"] == "uid")
        #expect(user.fieldNamed("id")?.typeAnnotations["go.tag"] == "json:\"id\"")
        #expect(user.fieldNamed("plain")?.typeAnnotations["api.path"] == nil)
        #expect(user.fieldNamed("plain")?.typeAnnotations["js.type"] == "string")
        #expect(user.fieldNamed("bare")?.typeAnnotations.isEmpty == true)
        #expect(schema.typedefAnnotations.count == 2)
    }

    @Test("annotations written after a base or container type belong to the field's type, not the field")
    func inlineTypeAnnotations() throws {
        let schema = try parseIDL(
            """
            struct S {
              1: i64 (js.type = "string") big (api.query = "big")
              2: list<i32> (python.immutable = "") items
              3: map<set<i32> (python.immutable = ""), string> keyed
            }
            service Svc { list<i32> (cpp.template = "std::deque") all() }
            """)
        let s = try #require(schema.structNamed("S"))
        #expect(s.fieldNamed("big")?.typeAnnotations == Annotations([("js.type", "string")]))
        #expect(s.fieldNamed("big")?.annotations == Annotations([("api.query", "big")]))
        #expect(s.fieldNamed("items")?.typeAnnotations["python.immutable"] == "")
        // Element types have no descriptor of their own; their annotations are not kept.
        #expect(s.fieldNamed("keyed")?.typeAnnotations.isEmpty == true)
        let all = try #require(schema.method("Svc.all")?.method)
        #expect(schema[all.result].fieldNamed("success")?.typeAnnotations["cpp.template"] == "std::deque")
    }

    @Test("a field typed by an included typedef reads that typedef's annotations")
    func acrossIncludes() throws {
        let files = ["shared.thrift": "typedef string Tag (go.type = \"Tag\")"]
        let schema = try parseIDL(
            "include \"shared.thrift\"\nstruct R { 1: shared.Tag tag }", files: files)
        #expect(schema.typedefAnnotations["shared.Tag"]?["go.type"] == "Tag")
        #expect(schema.structNamed("R")?.fieldNamed("tag")?.typeAnnotations["go.type"] == "Tag")
    }
}
