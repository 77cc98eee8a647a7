import NIOCore
import SluiceThrift
import Testing

/// Constructs Apache Thrift's compiler accepts (its own test IDLs use them) that Sluice once rejected.
@Suite("IDL: what Apache Thrift accepts")
struct IDLApacheCompatibilityTests {
    @Test("an empty '{}' is an empty list or set, and '[]' an empty map, nested or through a constant")
    func emptyContainerLiterals() throws {
        let schema = try parseIDL(
            """
            const list<i32> NONE = {}
            const map<string, i32> NO_MAP = []
            struct OptionalBinary {
              1: optional set<binary> bin_set = {}
              2: optional map<binary, i32> bin_map = {}
              3: list<list<i32>> nested = [{}, []]
              4: map<i32, set<string>> by_key = {1: {}}
              5: set<i32> from_constant = NONE
              6: map<string, i32> map_from_constant = NO_MAP
            }
            """)
        let fields = try #require(schema.structNamed("OptionalBinary")).fields
        #expect(fields.map(\.defaultValue) == [
            .list([]), .map([]), .list([.list([]), .list([])]), .map([ConstPair(key: .int(1), value: .list([]))]),
            .list([]), .map([]),
        ])
        #expect(schema.constants["NONE"] == .list([]))
        #expect(schema.constants["NO_MAP"] == .map([]))
    }

    @Test(
        "a non-empty literal of the other kind is still an error (Apache Thrift would silently drop its contents)",
        arguments: [
            ("const list<i32> X = {1: 2}", "t.thrift:1:21: constant 'X' must be a list<i32> but is a map"),
            ("const map<i32, i32> X = [1]", "t.thrift:1:25: constant 'X' must be a map<i32,i32> but is a list"),
            ("struct S { 1: i32 a }\nconst S X = []", "t.thrift:2:13: constant 'X' must be a S but is a list"),
        ])
    func nonEmptyMismatch(source: String, expected: String) {
        #expect(idlError(source)?.description == expected)
    }

    @Test("a uuid constant may be written in braces, as a Windows GUID; the value is the canonical form")
    func bracedUUID() throws {
        let schema = try parseIDL(
            """
            typedef uuid MyUUID
            const uuid PLAIN = '00000000-4444-CCCC-ffff-0123456789ab'
            const MyUUID GUID = '{00112233-4455-6677-8899-aaBBccDDeeFF}'
            const set<uuid> BOTH = ['{00112233-4455-6677-8899-aaBBccDDeeFF}', PLAIN]
            """)
        #expect(schema.constants["PLAIN"] == .string("00000000-4444-CCCC-ffff-0123456789ab"))
        #expect(schema.constants["GUID"] == .string("00112233-4455-6677-8899-aaBBccDDeeFF"))
        #expect(schema.constants["BOTH"] == .list([
            .string("00112233-4455-6677-8899-aaBBccDDeeFF"), .string("00000000-4444-CCCC-ffff-0123456789ab"),
        ]))
        #expect(idlError("const uuid X = '{00112233-4455-6677-8899-aabbccddeeff'") != nil)
    }

    @Test("any integer is a bool, as in C; one other than 0 or 1 gets a warning")
    func integerBooleans() throws {
        let schema = try parseIDL("const list<bool> FLAGS = [0, 1, 2, -1]")
        #expect(schema.constants["FLAGS"] == .list([.bool(false), .bool(true), .bool(true), .bool(true)]))
        #expect(schema.warnings.map(\.description) == [
            "t.thrift:1:33: warning: an element of constant 'FLAGS': 2 is read as true, as Apache Thrift reads it; write true",
            "t.thrift:1:36: warning: an element of constant 'FLAGS': -1 is read as true, as Apache Thrift reads it; write true",
        ])
    }

    @Test("xsd_optional, xsd_nillable and xsd_attrs after a field are parsed and change nothing")
    func xsdModifiers() throws {
        let schema = try parseIDL(
            """
            struct S {
              1: string s = "x" xsd_optional xsd_nillable xsd_attrs { 1: i32 b, 2: string c } (a = "b"),
              2: i32 n xsd_nillable
              3: i32 m xsd_attrs {}
            }
            """)
        let s = try #require(schema.structNamed("S"))
        #expect(s.fields.map(\.name) == ["s", "n", "m"])
        #expect(s.fieldNamed("s")?.annotations["a"] == "b")
        #expect(s.fieldNamed("s")?.defaultValue == .string("x"))
        #expect(idlError("struct S { 1: i32 a xsd_attrs 1: i32 b }")?.description
            == "t.thrift:1:31: expected '{' after 'xsd_attrs' but found '1'")
        let nested = "struct S { " + String(repeating: "1: i32 a xsd_attrs { ", count: 500)
            + String(repeating: "}", count: 501)
        #expect(idlError(nested)?.message == "nesting deeper than 100 levels is not supported")
    }

    @Test("an enum value written with another enum's prefix is read in the field's own enum, with a warning")
    func enumValueWithAnotherPrefix() throws {
        let schema = try parseIDL(
            """
            enum MyEnum1 { ME1_0, ME1_1 }
            enum MyEnum2 { ME2_0, ME2_1, ME2_2 }
            struct MyStruct {
              1: MyEnum2 me2_2 = MyEnum1.ME2_2
              2: MyEnum2 me2_1 = MyEnum2.ME2_1
              3: list<MyEnum2> some = [Unknown.ME2_0]
              4: Alias through_typedef = Alias.ME2_1
            }
            typedef MyEnum2 Alias
            """)
        let fields = try #require(schema.structNamed("MyStruct")).fields
        #expect(fields.map(\.defaultValue) == [.int(2), .int(1), .list([.int(0)]), .int(1)])
        #expect(schema.warnings.map(\.description) == [
            "t.thrift:4:22: warning: 'MyEnum1.ME2_2' is read as 'MyEnum2.ME2_2', as Apache Thrift reads it: "
                + "default value of 'me2_2' is a 'MyEnum2', so the prefix 'MyEnum1' is ignored",
            "t.thrift:6:28: warning: 'Unknown.ME2_0' is read as 'MyEnum2.ME2_0', as Apache Thrift reads it: "
                + "an element of default value of 'some' is a 'MyEnum2', so the prefix 'Unknown' is ignored",
        ])
    }

    @Test("an enum value behind its include's prefix alone resolves without a warning")
    func enumValueWithIncludePrefix() throws {
        let files = ["shared_types.thrift": "enum SharedEnum { SharedEnum0 = 0, SharedEnum1 = 1 }"]
        let schema = try parseIDL(
            """
            include "shared_types.thrift"
            enum TestEnum { TestEnum0, TestEnum1 }
            const map<TestEnum, shared_types.SharedEnum> typeConversion = {
              TestEnum.TestEnum0: shared_types.SharedEnum0,
              TestEnum.TestEnum1: shared_types.SharedEnum1,
            }
            """, files: files)
        #expect(schema.constants["typeConversion"] == .map([
            ConstPair(key: .int(0), value: .int(0)), ConstPair(key: .int(1), value: .int(1)),
        ]))
        #expect(schema.warnings.isEmpty)
    }

    @Test("a value the field's enum does not have is still an error, whatever the prefix")
    func enumValueMissing() {
        #expect(
            idlError("enum A { X }\nenum B { Y }\nstruct S { 1: A a = B.Z }")?.description
                == "t.thrift:3:21: enum 'B' has no value 'Z'")
    }

    @Test("an unlisted field of a struct literal takes its declared default, unless optional or in a union")
    func structLiteralDefaults() throws {
        let schema = try parseIDL(
            """
            struct Inner { 1: string label = "in"; 2: i32 n }
            struct Outer {
              1: i32 a
              2: i32 b = 7
              3: optional i32 c = 9
              4: Inner inner = {"n": 1}
              5: required string r = "r"
            }
            union U { 1: i32 x = 1; 2: i32 y = 2 }
            const Outer X = {"a": 1}
            const U ONE = {"y": 5}
            """)
        let inner = ConstValue.map([
            ConstPair(key: .string("n"), value: .int(1)), ConstPair(key: .string("label"), value: .string("in")),
        ])
        #expect(schema.structNamed("Outer")?.fieldNamed("inner")?.defaultValue == inner)
        #expect(schema.constants["X"] == .map([
            ConstPair(key: .string("a"), value: .int(1)), ConstPair(key: .string("b"), value: .int(7)),
            ConstPair(key: .string("inner"), value: inner), ConstPair(key: .string("r"), value: .string("r")),
        ]))
        #expect(schema.constants["ONE"] == .map([ConstPair(key: .string("y"), value: .int(5))]))
    }

    @Test("a struct whose default holds its own struct stops filling at that level")
    func recursiveStructDefault() throws {
        let schema = try parseIDL(
            """
            struct Node { 1: i32 value = 1; 2: list<Node> children = [{}] }
            const Node ROOT = {}
            """)
        #expect(schema.structNamed("Node")?.fieldNamed("children")?.defaultValue == .list([.map([])]))
        #expect(schema.constants["ROOT"] == .map([
            ConstPair(key: .string("value"), value: .int(1)),
            ConstPair(key: .string("children"), value: .list([.map([])])),
        ]))
    }

    @Test("an absent struct field is written as its default struct with that struct's own defaults filled in")
    func structDefaultOnTheWire() throws {
        let schema = try parseIDL(
            """
            struct Limits { 1: i32 max = 10; 2: i32 min }
            struct Request { 1: string name; 2: Limits limits = {"min": 1} }
            """)
        let request = try #require(schema.structIDNamed("Request"))
        var out = ByteBuffer()
        try ThriftJSONCodec.encodeStruct(
            request, schema: schema, json: ByteBuffer(string: #"{"name":"a"}"#), protocol: .binary,
            options: TranscodeOptions(), into: &out)
        // name "a"; limits { min 1, max 10 }.
        #expect(hex(out) == "0b0001" + "00000001" + "61" + "0c0002" + "080002" + "00000001" + "080001" + "0000000a" + "00" + "00")
    }
}
