import SluiceThrift
import Testing

@Suite("IDL constructs")
struct IDLParserTests {
    @Test("namespaces, including the '*' scope, and cpp_include")
    func namespaces() throws {
        let schema = try parseIDL(
            """
            cpp_include "<unordered_map>"
            namespace go example.echo
            namespace * everywhere
            namespace py example.echo (pkg = "x")
            struct A {}
            """)
        #expect(schema.namespaces == ["go": "example.echo", "*": "everywhere", "py": "example.echo"])
    }

    @Test("every base type, byte and i8 alike")
    func baseTypes() throws {
        let schema = try parseIDL(
            """
            struct All {
              1: bool a; 2: byte b; 3: i8 c; 4: i16 d; 5: i32 e; 6: i64 f;
              7: double g; 8: string h; 9: binary i; 10: uuid j
            }
            """)
        let types = try #require(schema.structNamed("All")).fields.map(\.type)
        #expect(types == [.bool, .i8, .i8, .i16, .i32, .i64, .double, .string, .binary, .uuid])
    }

    @Test("containers nest to any depth, with cpp_type and annotations")
    func containers() throws {
        let schema = try parseIDL(
            """
            struct Item {}
            struct C {
              1: list<map<string, set<list<Item>>>> deep
              2: map cpp_type "std::unordered_map<int, int>" <i32, i32> m
              3: list<i32> cpp_type "std::vector<int>" l (x = "y")
              4: set<i64 (cpp.type = "int64_t")> s
            }
            """)
        let c = try #require(schema.structNamed("C"))
        let item = try #require(schema.structIDNamed("Item"))
        #expect(c.fields[0].type == .list(.map(key: .string, value: .set(.list(.structure(item))))))
        #expect(c.fields[1].type == .map(key: .i32, value: .i32))
        #expect(c.fields[2].type == .list(.i32))
        #expect(c.fields[3].type == .set(.i64))
    }

    @Test("struct, union and exception kinds; union fields are optional")
    func kinds() throws {
        let schema = try parseIDL(
            """
            struct S { 1: i32 a }
            union U { 1: i32 a; 2: string b }
            exception E { 1: string message }
            """)
        #expect(schema.structNamed("S")?.kind == .struct)
        #expect(schema.structNamed("U")?.kind == .union)
        #expect(schema.structNamed("U")?.fields.map(\.requiredness) == [.optional, .optional])
        #expect(schema.structNamed("E")?.kind == .exception)
    }

    @Test("field ids: explicit, and implicit ones counting down from -1")
    func fieldIDs() throws {
        let schema = try parseIDL(
            """
            struct S {
              string a
              5: string b
              i32 c,
              required i64 d;
            }
            """)
        let fields = try #require(schema.structNamed("S")).fields
        #expect(fields.map(\.id) == [-1, 5, -2, -3])
        #expect(fields.map(\.name) == ["a", "b", "c", "d"])
    }

    @Test("non-positive explicit ids get the next implicit id, as Apache Thrift assigns them")
    func nonPositiveIDs() throws {
        let schema = try parseIDL("struct S { 0: i32 a; string b; -5: i32 c; 2: i32 d }")
        #expect(schema.structNamed("S")?.fields.map(\.id) == [-1, -2, -3, 2])
    }

    @Test("most keywords may name fields, as in Apache Thrift")
    func keywordFieldNames() throws {
        let schema = try parseIDL(
            """
            struct S { 1: string type; 2: i32 list; 3: bool required; 4: map<string, string> map; 5: i64 service }
            service Svc { void send(1: string struct, 2: i32 oneway) throws (1: E exception) }
            exception E {}
            """)
        #expect(schema.structNamed("S")?.fields.map(\.name) == ["type", "list", "required", "map", "service"])
        let send = try #require(schema.services["Svc"]?.method(named: "send"))
        #expect(schema[send.arguments].fields.map(\.name) == ["struct", "oneway"])
        #expect(schema[send.result].fields.map(\.name) == ["exception"])
    }

    @Test("requiredness keywords")
    func requiredness() throws {
        let schema = try parseIDL("struct S { 1: required i32 a 2: optional i32 b 3: i32 c }")
        #expect(schema.structNamed("S")?.fields.map(\.requiredness) == [.required, .optional, .default])
    }

    @Test("',' and ';' separate fields, enum values, methods and annotations; both are optional")
    func separators() throws {
        let schema = try parseIDL(
            """
            enum E { A, B; C }
            struct S { 1: i32 a, 2: i32 b; 3: i32 c } (x = "1"; y = "2", z = "3")
            service Svc { void a(), void b(1: i32 x, 2: i32 y); void c() };
            """)
        #expect(schema.enumNamed("E")?.values.map(\.name) == ["A", "B", "C"])
        #expect(schema.structNamed("S")?.fields.count == 3)
        #expect(schema.structNamed("S")?.annotations == Annotations([("x", "1"), ("y", "2"), ("z", "3")]))
        #expect(schema.services["Svc"]?.methods.map(\.name) == ["a", "b", "c"])
    }

    @Test("annotations on every construct; quoted both ways; bare keys read as \"1\"; keys may repeat")
    func annotations() throws {
        let schema = try parseIDL(
            """
            typedef i32 (cpp.type = "int") MyInt (go.type = 'int32')
            enum Color { RED = 1 (label = "red"), GREEN } (enum.kind = "closed")
            struct Req {
              1: string name (api.path = "name", api.query = 'n', bare_key)
            } (api.doc = "request")
            exception Oops { 1: string message } (code = "500")
            service Echo {
              string Say(1: Req req (api.body = "req")) (api.get = "/a", api.get = "/b")
            } (service.tag = "x")
            """)
        let request = try #require(schema.structNamed("Req"))
        #expect(request.annotations["api.doc"] == "request")
        let field = try #require(request.fieldNamed("name"))
        #expect(field.annotations == Annotations([("api.path", "name"), ("api.query", "n"), ("bare_key", "1")]))
        let color = try #require(schema.enumNamed("Color"))
        #expect(color.annotations["enum.kind"] == "closed")
        #expect(color.values[0].annotations["label"] == "red")
        #expect(schema.structNamed("Oops")?.annotations["code"] == "500")
        let service = try #require(schema.services["Echo"])
        #expect(service.annotations["service.tag"] == "x")
        let say = try #require(service.method(named: "Say"))
        #expect(say.annotations.entries.map(\.value) == ["/a", "/b"])
        #expect(say.annotations["api.get"] == "/b")
        #expect(schema[say.arguments].fieldNamed("req")?.annotations["api.body"] == "req")
        #expect(schema.typedefs["MyInt"] == .i32)
    }

    @Test("enum values: implicit from 0, explicit, implicit continuing from the last explicit; hex and negative")
    func enumValues() throws {
        let schema = try parseIDL("enum E { A, B, C = 10, D, E = -3, F, G = 0x10, H }")
        let values = try #require(schema.enumNamed("E")).values
        #expect(values.map(\.name) == ["A", "B", "C", "D", "E", "F", "G", "H"])
        #expect(values.map(\.value) == [0, 1, 10, 11, -3, -2, 16, 17])
    }

    @Test("forward references and recursive structs resolve by index")
    func forwardAndRecursive() throws {
        let schema = try parseIDL(
            """
            struct Tree { 1: list<Tree> children; 2: optional Node node; 3: Later later }
            struct Node { 1: Tree parent }
            typedef Final Later
            struct Final { 1: Color color }
            enum Color { RED }
            """)
        let tree = try #require(schema.structIDNamed("Tree"))
        let node = try #require(schema.structIDNamed("Node"))
        let final = try #require(schema.structIDNamed("Final"))
        #expect(schema[tree].fields.map(\.type) == [.list(.structure(tree)), .structure(node), .structure(final)])
        #expect(schema[node].fields[0].type == .structure(tree))
        #expect(schema[final].fields[0].type == .enumeration(try #require(schema.enumIDNamed("Color"))))
    }

    @Test("typedef chains resolve to the final type, including containers of typedefs")
    func typedefChains() throws {
        let schema = try parseIDL(
            """
            typedef Id UserId
            typedef i64 Id
            typedef list<UserId> Ids
            typedef map<UserId, Ids> Graph
            struct S { 1: UserId id; 2: Graph graph }
            """)
        #expect(schema.typedefs["UserId"] == .i64)
        #expect(schema.typedefs["Ids"] == .list(.i64))
        #expect(schema.typedefs["Graph"] == .map(key: .i64, value: .list(.i64)))
        #expect(schema.structNamed("S")?.fields.map(\.type) == [.i64, .map(key: .i64, value: .list(.i64))])
    }

    @Test("the C++ reference marker '&' and xsd_all are accepted and ignored")
    func legacyMarkers() throws {
        let schema = try parseIDL("struct A xsd_all { 1: optional A & next }")
        #expect(schema.structNamed("A")?.fields.first?.name == "next")
    }

    @Test("constants live apart from types, as in Apache Thrift")
    func constantNamespace() throws {
        let schema = try parseIDL("const i32 Limit = 3\nstruct Limit { 1: i32 value = Limit }")
        #expect(schema.constants["Limit"] == .int(3))
        #expect(schema.structNamed("Limit")?.fieldNamed("value")?.defaultValue == .int(3))
    }

    @Test("an empty document is an empty schema")
    func empty() throws {
        let schema = try parseIDL("// nothing here\n")
        #expect(schema.structs.isEmpty && schema.services.isEmpty && schema.rootFile == "t.thrift")
    }
}
