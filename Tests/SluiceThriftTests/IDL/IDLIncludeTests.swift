import Foundation
import SluiceThrift
import Testing

@Suite("IDL includes")
struct IDLIncludeTests {
    static func fixture(_ name: String) throws -> String {
        let base = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
        return base.appendingPathComponent("idl").appendingPathComponent(name).path
    }

    @Test("included names are qualified by file stem; the root's are not")
    func qualifiedNames() throws {
        let schema = try ThriftIDL.load(path: try Self.fixture("root.thrift"))
        #expect(schema.structNamed("Order") != nil)
        #expect(schema.structNamed("shared.Box") != nil)
        #expect(schema.structNamed("types.Item") != nil)
        #expect(schema.enumNamed("shared.Color")?.values.map(\.value) == [1, 2])
        #expect(schema.services["shared.Base"]?.name == "shared.Base")
        #expect(schema.constants["shared.HELLO"] == .string("hello"))
        #expect(schema.typedefs["shared.Tag"] == .string)
        #expect(schema.namespaces == ["go": "fixtures.root"])
        #expect(schema.rootFile.hasSuffix("idl/root.thrift"))
    }

    @Test("a Kitex-style IDL: base.thrift, field 255, api.* annotations on methods and fields")
    func kitexStyle() throws {
        let schema = try ThriftIDL.load(path: try Self.fixture("kitex/item.thrift"))
        let service = try #require(schema.services["ItemService"])
        let getItem = try #require(service.method(named: "GetItem"))
        #expect(getItem.annotations["api.get"] == "/v1/items/:id")
        let request = try #require(schema.structNamed("GetItemRequest"))
        #expect(request.fields.map(\.id) == [1, 2, 3, 255])
        #expect(request.fieldNamed("ItemID")?.annotations["api.path"] == "id")
        #expect(request.fieldNamed("ItemID")?.requiredness == .required)
        #expect(request.fieldNamed("Token")?.annotations["api.header"] == "X-Token")
        let base = try #require(schema.structIDNamed("base.Base"))
        #expect(request.fieldNamed("Base")?.type == .structure(base))
        #expect(schema[base].fieldNamed("TrafficEnv")?.type == .structure(try #require(schema.structIDNamed("base.TrafficEnv"))))
        #expect(schema.structNamed("base.TrafficEnv")?.fieldNamed("Open")?.defaultValue == .bool(false))
        #expect(schema.structNamed("Item")?.fieldNamed("Status")?.defaultValue == .int(0))
        #expect(schema[getItem.arguments].fieldNamed("req")?.type == .structure(try #require(schema.structIDNamed("GetItemRequest"))))
        #expect(schema[getItem.result].fields.map(\.name) == ["success", "notFound"])
        #expect(schema.namespaces["go"] == "example.item")
    }

    @Test("a file included twice (diamond) is loaded once")
    func diamond() throws {
        let schema = try ThriftIDL.load(path: try Self.fixture("root.thrift"))
        #expect(schema.structs.filter { $0.name == "types.Item" }.count == 1)
        let item = try #require(schema.structIDNamed("types.Item"))
        #expect(schema.structNamed("shared.Box")?.fieldNamed("items")?.type == .list(.structure(item)))
        #expect(schema.structNamed("Order")?.fieldNamed("item")?.type == .structure(item))
    }

    @Test("qualified constants, enum values and typedefs resolve across files")
    func crossFileValues() throws {
        let schema = try ThriftIDL.load(path: try Self.fixture("root.thrift"))
        #expect(schema.constants["DEFAULT_COLOR"] == .int(2))
        #expect(schema.constants["GREETING"] == .string("hello"))
        let order = try #require(schema.structNamed("Order"))
        #expect(order.fieldNamed("color")?.type == .enumeration(try #require(schema.enumIDNamed("shared.Color"))))
        #expect(order.fieldNamed("color")?.defaultValue == .int(1))
        #expect(order.fieldNamed("tag")?.type == .string)
        #expect(order.fieldNamed("greeting")?.defaultValue == .string("hello"))
        #expect(schema.structNamed("types.Item")?.fieldNamed("price")?.defaultValue == .int(100))
    }

    @Test("extends a qualified service; inherited methods keep their own structs")
    func qualifiedExtends() throws {
        let schema = try ThriftIDL.load(path: try Self.fixture("root.thrift"))
        let service = try #require(schema.services["OrderService"])
        #expect(service.extends == "shared.Base")
        #expect(service.methods.map(\.name) == ["place", "ping", "first"])
        let first = try #require(service.method(named: "first"))
        #expect(schema[first.arguments].name == "shared.Base.first_args")
        #expect(schema[first.result].fields.first?.type == .structure(try #require(schema.structIDNamed("types.Item"))))
        let place = try #require(service.method(named: "place"))
        #expect(schema[place.result].fields.map(\.name) == ["success", "problem"])
        #expect(schema.method("shared.Base.ping") != nil)
    }

    @Test("includes are found in include directories after the including file's directory")
    func includeDirectories() throws {
        let root = try Self.fixture("uses_incdir.thrift")
        #expect(throws: ThriftIDLError.self) { try ThriftIDL.load(path: root) }
        let schema = try ThriftIDL.load(path: root, includeDirectories: [try Self.fixture("incdir")])
        #expect(schema.structNamed("User")?.fieldNamed("lib")?.type == .structure(try #require(schema.structIDNamed("lib.Lib"))))
    }

    @Test("an include cycle is reported at the include that closes it")
    func cycle() throws {
        let path = try Self.fixture("errors/cycle_a.thrift")
        do {
            _ = try ThriftIDL.load(path: path)
            Issue.record("expected an include cycle error")
        } catch {
            #expect(error.location.file.hasSuffix("errors/cycle_b.thrift"))
            #expect((error.location.line, error.location.column) == (1, 9))
            #expect(error.message == "include cycle cycle_a.thrift -> cycle_b.thrift -> cycle_a.thrift")
        }
    }

    @Test("a missing include names the file and where it was looked for")
    func missing() throws {
        let path = try Self.fixture("errors/missing.thrift")
        do {
            _ = try ThriftIDL.load(path: path, includeDirectories: ["/nonexistent-dir"])
            Issue.record("expected a missing include error")
        } catch {
            #expect(error.location == SourceLocation(file: path, line: 2, column: 9))
            #expect(error.message.hasPrefix("cannot find included file 'nowhere.thrift' (looked in '"))
            #expect(error.message.hasSuffix("errors', '/nonexistent-dir')"))
        }
    }

    @Test("a syntax error in an included file is reported in that file")
    func errorInIncludedFile() throws {
        let path = try Self.fixture("errors/includes_broken.thrift")
        do {
            _ = try ThriftIDL.load(path: path)
            Issue.record("expected a syntax error")
        } catch {
            #expect(error.location.file.hasSuffix("errors/broken.thrift"))
            #expect((error.location.line, error.location.column) == (3, 5))
            #expect(error.message == "expected ':' after field id 2 but found 'i32'")
        }
    }

    @Test("diagnose reports the first syntax error of every file and every include error")
    func diagnoseAcrossFiles() throws {
        let path = try Self.fixture("errors/several.thrift")
        let errors = ThriftIDL.diagnose(path: path)
        #expect(errors.count == 3)
        #expect(errors.map { fileName(of: $0.location.file) } == ["broken.thrift", "broken2.thrift", "several.thrift"])
        #expect(errors.map(\.message) == [
            "expected ':' after field id 2 but found 'i32'",
            "expected an integer value for 'Broken2.A' but found string \"x\"",
            "cannot find included file 'nowhere.thrift' (looked in '\(directoryName(of: path))')",
        ])
        #expect(errors.first?.location.file.hasPrefix(directoryName(of: path)) == true)
    }

    @Test("included files are named by the includer's spelling of their path")
    func includedPathSpelling() {
        let files = ["dir/sub/x.thrift": "struct X { 1: Nope n }"]
        let error = #expect(throws: ThriftIDLError.self) {
            try parseIDL("include \"sub/x.thrift\"", file: "dir/root.thrift", files: files)
        }
        #expect(error?.description == "dir/sub/x.thrift:1:15: unknown type 'Nope'")
    }

    @Test("in-memory includes through a reader: relative paths, '..', self-inclusion")
    func inMemory() throws {
        let schema = try parseIDL(
            "include \"lib/a.thrift\"\nstruct R { 1: a.A a }", file: "dir/root.thrift",
            files: [
                "dir/lib/a.thrift": "include \"../common/b.thrift\"\nstruct A { 1: b.B b }",
                "dir/common/b.thrift": "struct B {}",
            ])
        #expect(schema.structNamed("a.A")?.fieldNamed("b")?.type == .structure(try #require(schema.structIDNamed("b.B"))))
        do {
            _ = try parseIDL("include \"root.thrift\"", file: "root.thrift", files: [:])
            Issue.record("expected a cycle")
        } catch {
            #expect(error.description == "root.thrift:1:9: include cycle root.thrift -> root.thrift")
        }
    }

    @Test("names in an included file are not visible without its prefix, nor transitively")
    func scoping() {
        let files = ["a.thrift": "include \"b.thrift\"\nstruct A {}", "b.thrift": "struct B {}"]
        #expect(throws: ThriftIDLError.self) { try parseIDL("include \"a.thrift\"\nstruct R { 1: A a }", files: files) }
        #expect(throws: ThriftIDLError.self) { try parseIDL("include \"a.thrift\"\nstruct R { 1: b.B b }", files: files) }
        #expect(throws: Never.self) { try parseIDL("include \"a.thrift\"\nstruct R { 1: a.A a }", files: files) }
    }

    @Test("two included files with one stem: 'b.' names resolve in whichever declares them")
    func sharedStem() throws {
        let files = [
            "b.thrift": "struct B { 1: i32 a }\nconst i32 K = 1\nenum E { X = 3 }",
            "sub/b.thrift": "struct B2 { 1: string s }\nconst i32 K2 = 2\nservice S { B2 get() }",
        ]
        let schema = try parseIDL(
            """
            include "b.thrift"
            include "sub/b.thrift"
            struct R { 1: b.B x; 2: b.B2 y = {"s": "q"}; 3: i32 k = b.K2; 4: b.E e = b.E.X; 5: i32 k1 = b.K }
            service Mine extends b.S {}
            """, files: files)
        let r = try #require(schema.structNamed("R"))
        #expect(r.fieldNamed("x")?.type == .structure(try #require(schema.structIDNamed("b.B"))))
        #expect(r.fieldNamed("y")?.type == .structure(try #require(schema.structIDNamed("b.B2"))))
        #expect(r.fields.map(\.defaultValue) == [
            nil, .map([ConstPair(key: .string("s"), value: .string("q"))]), .int(2), .int(3), .int(1),
        ])
        #expect(schema.services["Mine"]?.extends == "b.S")
        #expect(schema.constants["b.K"] == .int(1))
        #expect(schema.constants["b.K2"] == .int(2))
    }

    @Test("a file whose stem holds dots is included under the whole stem")
    func dottedStem() throws {
        let files = ["app.objs.thrift": "enum Kind { A = 1, B = 2 }\nconst i32 LIMIT = 3\nservice Objs {}"]
        let schema = try parseIDL(
            """
            include "app.objs.thrift"
            struct R { 1: set<app.objs.Kind> kinds = [Kind.A, app.objs.Kind.B]; 2: i32 n = app.objs.LIMIT }
            service S extends app.objs.Objs {}
            """, files: files)
        let kind = try #require(schema.enumIDNamed("app.objs.Kind"))
        let r = try #require(schema.structNamed("R"))
        #expect(r.fieldNamed("kinds")?.type == .set(.enumeration(kind)))
        #expect(r.fields.map(\.defaultValue) == [.list([.int(1), .int(2)]), .int(3)])
        #expect(schema.services["S"]?.extends == "app.objs.Objs")
    }

    @Test("a name both same-stem includes declare is ambiguous where it is used")
    func sharedStemAmbiguity() {
        let files = ["b.thrift": "struct B {}\nstruct Only {}", "sub/b.thrift": "struct B {}"]
        let error = idlError(
            "include \"b.thrift\"\ninclude \"sub/b.thrift\"\nstruct R { 1: b.Only o }\nstruct T { 1: b.B b }",
            files: files)
        #expect(
            error?.description
                == "t.thrift:4:15: 'b.B' is ambiguous: 'b.thrift' and 'sub/b.thrift' are both included as 'b' "
                + "and both declare 'B'")
    }

    @Test("a service name two same-stem files both declare is left out of the schema's services, with a warning")
    func sharedStemServices() throws {
        let files = [
            "b/a.thrift": "include \"../c/a.thrift\"\nstruct ABC { 1: a.ADC adc }\nservice X extends a.X {}\nconst i32 K = 1",
            "c/a.thrift": "struct ADC { 1: string adc }\nservice X { ADC get() }\nconst i32 K = 2",
        ]
        let schema = try parseIDL(
            "include \"b/a.thrift\"\ninclude \"c/a.thrift\"\nservice X { a.ADC first(1: a.ABC abc) }",
            files: files)
        #expect(schema.services.keys.sorted() == ["X"])
        #expect(schema.constants["a.K"] == nil)
        #expect(schema.warnings.map(\.description) == [
            "b/a.thrift:3:9: warning: service 'a.X' is also declared in 'c/a.thrift', which is included as 'a' too: "
                + "no route can call either by that name"
        ])
        // Each file still reaches its own definitions.
        let adc = try #require(schema.structIDNamed("a.ADC"))
        #expect(schema.structNamed("a.ABC")?.fieldNamed("adc")?.type == .structure(adc))
        #expect(schema.services["X"]?.methods.map(\.name) == ["first"])
        #expect(idlError("include \"b/a.thrift\"\ninclude \"c/a.thrift\"\nconst i32 L = a.K", files: files)?.message
            == "'a.K' is ambiguous: 'b/a.thrift' and 'c/a.thrift' are both included as 'a' and both declare 'K'")
    }

    @Test("one file reached by two spellings (a symbolic link, '..') is loaded once")
    func samePathTwoSpellings() throws {
        let directory = try IDLTemporaryDirectory()
        try directory.write("lib/s.thrift", "struct S {}")
        try FileManager.default.createSymbolicLink(
            atPath: directory.path + "/liblink", withDestinationPath: directory.path + "/lib")
        try directory.write("app/other.thrift", "include \"../lib/s.thrift\"\nstruct O { 1: s.S s }")
        let root = try directory.write(
            "app/root.thrift", "include \"s.thrift\"\ninclude \"other.thrift\"\nstruct R { 1: s.S s; 2: other.O o }")
        let schema = try ThriftIDL.load(path: root, includeDirectories: [directory.path + "/liblink"])
        #expect(schema.structs.filter { $0.name == "s.S" }.count == 1)
        let s = try #require(schema.structIDNamed("s.S"))
        #expect(schema.structNamed("other.O")?.fieldNamed("s")?.type == .structure(s))
        #expect(schema.structNamed("R")?.fieldNamed("s")?.type == .structure(s))
    }

    @Test("load reports an unreadable root file")
    func unreadableRoot() {
        let error = #expect(throws: ThriftIDLError.self) { try ThriftIDL.load(path: "/no/such/file.thrift") }
        #expect(error?.description == "/no/such/file.thrift:1:1: cannot read IDL file '/no/such/file.thrift'")
    }
}

/// The last path component.
private func fileName(of path: String) -> String {
    path.split(separator: "/").last.map(String.init) ?? path
}

/// Everything before the last `/`.
private func directoryName(of path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    return String(path[..<slash])
}
