import SluiceThrift
import Testing

@Suite("IDL services")
struct IDLServiceTests {
    static let source = """
        exception NotFound { 1: string key }
        exception Denied { 1: string why }
        struct Item { 1: string key }
        service Base {
          void ping()
          string version()
        }
        service Store extends Base {
          Item get(1: string key, 2: optional bool fresh = false) throws (1: NotFound missing, 2: Denied denied)
          oneway void touch(1: string key)
          list<Item> scan(string prefix, i32 limit)
          string version()
        }
        """

    @Test("_args has one field per argument with declared ids, names and defaults")
    func arguments() throws {
        let schema = try parseIDL(Self.source)
        let get = try #require(schema.services["Store"]?.method(named: "get"))
        let args = schema[get.arguments]
        #expect(args.name == "Store.get_args")
        #expect(args.kind == .struct)
        #expect(args.fields.map(\.id) == [1, 2])
        #expect(args.fields.map(\.name) == ["key", "fresh"])
        #expect(args.fields.map(\.type) == [.string, .bool])
        // `optional` means nothing in an argument list (Apache Thrift ignores it too).
        #expect(args.fields.map(\.requiredness) == [.default, .default])
        #expect(args.fields[1].defaultValue == .bool(false))
        let scan = try #require(schema.services["Store"]?.method(named: "scan"))
        #expect(schema[scan.arguments].fields.map(\.id) == [-1, -2])
    }

    @Test("_result has success at id 0, then each declared exception; all optional")
    func results() throws {
        let schema = try parseIDL(Self.source)
        let get = try #require(schema.services["Store"]?.method(named: "get"))
        let result = schema[get.result]
        #expect(result.name == "Store.get_result")
        #expect(result.fields.map(\.id) == [0, 1, 2])
        #expect(result.fields.map(\.name) == ["success", "missing", "denied"])
        #expect(result.fields[0].type == .structure(try #require(schema.structIDNamed("Item"))))
        #expect(result.fields[1].type == .structure(try #require(schema.structIDNamed("NotFound"))))
        #expect(result.fields.allSatisfy { $0.requiredness == .optional })
        #expect(get.returnType == .structure(try #require(schema.structIDNamed("Item"))))
    }

    @Test("void methods have no success field and no return type; oneway is recorded")
    func voidAndOneway() throws {
        let schema = try parseIDL(Self.source)
        let touch = try #require(schema.services["Store"]?.method(named: "touch"))
        #expect(touch.oneway)
        #expect(touch.returnType == nil)
        #expect(schema[touch.result].fields.isEmpty)
        let ping = try #require(schema.services["Base"]?.method(named: "ping"))
        #expect(!ping.oneway)
        #expect(schema[ping.result].fields.isEmpty)
    }

    @Test("extends: own methods first, then inherited ones not redefined")
    func inheritance() throws {
        let schema = try parseIDL(Self.source)
        let store = try #require(schema.services["Store"])
        #expect(store.extends == "Base")
        #expect(store.methods.map(\.name) == ["get", "touch", "scan", "version", "ping"])
        let version = try #require(store.method(named: "version"))
        #expect(schema[version.arguments].name == "Store.version_args")
        let ping = try #require(store.method(named: "ping"))
        #expect(schema[ping.arguments].name == "Base.ping_args")
        #expect(schema.method("Store.ping")?.method.name == "ping")
    }

    @Test("'async' is the old spelling of 'oneway'; required arguments stay required")
    func asyncOneway() throws {
        let schema = try parseIDL("service S { async void fire(1: required string id) }")
        let fire = try #require(schema.services["S"]?.method(named: "fire"))
        #expect(fire.oneway)
        #expect(schema[fire.arguments].fields.first?.requiredness == .required)
    }

    @Test("multi-level inheritance declared in any order")
    func multiLevel() throws {
        let schema = try parseIDL(
            """
            service C extends B { void c() }
            service B extends A { void b() }
            service A { void a() }
            """)
        #expect(schema.services["C"]?.methods.map(\.name) == ["c", "b", "a"])
    }

    @Test(
        "service errors",
        arguments: [
            ("service S extends Nope { }", "t.thrift:1:19: unknown service 'Nope' in 'extends'"),
            ("struct T {}\nservice S extends T { }", "t.thrift:2:19: 'extends' needs a service but 'T' is not one"),
            ("service A extends B {}\nservice B extends A {}", "t.thrift:2:19: service inheritance cycle A -> B -> A"),
            ("service S { oneway i32 f() }", "t.thrift:1:13: oneway method 'S.f' must return void"),
            ("exception E {}\nservice S { oneway void f() throws (1: E e) }",
             "t.thrift:2:13: oneway method 'S.f' cannot throw exceptions"),
            ("struct E {}\nservice S { void f() throws (1: E e) }",
             "t.thrift:2:30: 'E' in the throws clause of 'S.f' is not an exception"),
            ("service S { void f()\n void f() }", "t.thrift:2:7: duplicate method 'f' in service 'S' (first declared at line 1)"),
            ("service S { void f(1: i32 a, 1: i32 b) }",
             "t.thrift:1:30: duplicate field id 1 in the arguments of 'S.f': 'b' and 'a' (line 1)"),
            ("service S { Nope f() }", "t.thrift:1:13: unknown type 'Nope'"),
            ("service S { void f(1: i32 a = \"x\") }",
             "t.thrift:1:31: default value of 'a' must be a i32 but is the string \"x\""),
        ])
    func errors(source: String, expected: String) {
        #expect(idlError(source)?.description == expected)
    }
}
