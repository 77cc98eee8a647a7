import SluiceThrift
import Testing

@Suite("IDL constants and defaults")
struct IDLConstantTests {
    @Test("scalar constants of every kind")
    func scalars() throws {
        let schema = try parseIDL(
            """
            const bool T = true
            const bool F = 0
            const i8 SMALL = -128
            const i16 HEX = 0x7FFF
            const i32 NEG = -42;
            const i64 BIG = 9223372036854775807,
            const double D = -1.5e3
            const double WIDE = 3
            const string S = 'single "quoted"'
            const binary B = "raw"
            const uuid U = "00112233-4455-6677-8899-aabbccddeeff"
            const i32 ONE = true
            """)
        #expect(schema.constants["T"] == .bool(true))
        #expect(schema.constants["F"] == .bool(false))
        #expect(schema.constants["SMALL"] == .int(-128))
        #expect(schema.constants["HEX"] == .int(32767))
        #expect(schema.constants["NEG"] == .int(-42))
        #expect(schema.constants["BIG"] == .int(Int64.max))
        #expect(schema.constants["D"] == .double(-1500))
        #expect(schema.constants["WIDE"] == .double(3))
        #expect(schema.constants["S"] == .string("single \"quoted\""))
        #expect(schema.constants["B"] == .string("raw"))
        #expect(schema.constants["U"] == .string("00112233-4455-6677-8899-aabbccddeeff"))
        #expect(schema.constants["ONE"] == .int(1))
    }

    @Test("lists, sets, maps and nesting, with either separator")
    func collections() throws {
        let schema = try parseIDL(
            """
            const list<i32> L = [1, 2; 3]
            const set<string> S = ["a", "b"]
            const map<string, list<i32>> M = {"x": [1], "y": [], }
            const list<map<i32, bool>> N = [{1: true}, {2: false; 3: 1}]
            """)
        #expect(schema.constants["L"] == .list([.int(1), .int(2), .int(3)]))
        #expect(schema.constants["S"] == .list([.string("a"), .string("b")]))
        #expect(schema.constants["M"] == .map([
            ConstPair(key: .string("x"), value: .list([.int(1)])), ConstPair(key: .string("y"), value: .list([])),
        ]))
        #expect(schema.constants["N"] == .list([
            .map([ConstPair(key: .int(1), value: .bool(true))]),
            .map([ConstPair(key: .int(2), value: .bool(false)), ConstPair(key: .int(3), value: .bool(true))]),
        ]))
    }

    @Test("enum value references resolve to numbers, qualified or bare where an enum is expected")
    func enumReferences() throws {
        let schema = try parseIDL(
            """
            enum Color { RED = 1, GREEN = 5 }
            const Color FAVOURITE = Color.GREEN
            const Color BARE = RED
            const i32 AS_INT = Color.GREEN
            const list<Color> ALL = [Color.RED, GREEN, 1]
            const map<Color, string> NAMES = {Color.RED: "red"}
            """)
        #expect(schema.constants["FAVOURITE"] == .int(5))
        #expect(schema.constants["BARE"] == .int(1))
        #expect(schema.constants["AS_INT"] == .int(5))
        #expect(schema.constants["ALL"] == .list([.int(1), .int(5), .int(1)]))
        #expect(schema.constants["NAMES"] == .map([ConstPair(key: .int(1), value: .string("red"))]))
    }

    @Test("constants refer to other constants, declared before or after")
    func constantReferences() throws {
        let schema = try parseIDL(
            """
            const i64 B = A
            const i32 A = 7
            const list<i64> BOTH = [A, B]
            const double AS_DOUBLE = A
            """)
        #expect(schema.constants["B"] == .int(7))
        #expect(schema.constants["BOTH"] == .list([.int(7), .int(7)]))
        #expect(schema.constants["AS_DOUBLE"] == .double(7))
    }

    @Test("struct literals: quoted or bare field names, nested structs, union with one field, defaults filled")
    func structLiterals() throws {
        let schema = try parseIDL(
            """
            struct Point { 1: i32 x; 2: i32 y }
            struct Line { 1: Point from; 2: Point to; 3: string label = "line" }
            union Shape { 1: Line line; 2: Point point }
            const Point ORIGIN = {"x": 0, "y": 0}
            const Line DIAGONAL = {"from": ORIGIN, to: {x: 1, y: 1}}
            const Shape DOT = {"point": ORIGIN}
            const string X_FIELD = "x"
            const Point BY_CONSTANT_KEY = {X_FIELD: 4}
            """)
        let origin = ConstValue.map([
            ConstPair(key: .string("x"), value: .int(0)), ConstPair(key: .string("y"), value: .int(0)),
        ])
        #expect(schema.constants["ORIGIN"] == origin)
        #expect(schema.constants["DIAGONAL"] == .map([
            ConstPair(key: .string("from"), value: origin),
            ConstPair(key: .string("to"), value: .map([
                ConstPair(key: .string("x"), value: .int(1)), ConstPair(key: .string("y"), value: .int(1)),
            ])),
            ConstPair(key: .string("label"), value: .string("line")),
        ]))
        #expect(schema.constants["DOT"] == .map([ConstPair(key: .string("point"), value: origin)]))
        #expect(schema.constants["BY_CONSTANT_KEY"] == .map([ConstPair(key: .string("x"), value: .int(4))]))
        #expect(schema.structNamed("Line")?.fieldNamed("label")?.defaultValue == .string("line"))
    }

    @Test("field defaults are typed against the field: enums, constants, containers, typedefs")
    func defaults() throws {
        let schema = try parseIDL(
            """
            enum Level { LOW, HIGH }
            typedef i16 Small
            const i32 LIMIT = 100
            struct Config {
              1: Level level = Level.HIGH
              2: i32 limit = LIMIT
              3: Small small = 7
              4: double ratio = 1
              5: list<string> tags = ["a"]
              6: bool on = true
              7: optional map<string, i32> m = {}
              8: i32 none
            }
            """)
        let config = try #require(schema.structNamed("Config"))
        #expect(config.fields.map(\.defaultValue) == [
            .int(1), .int(100), .int(7), .double(1), .list([.string("a")]), .bool(true), .map([]), nil,
        ])
    }

    @Test(
        "constants and defaults that do not fit their type are errors at the value",
        arguments: [
            ("const i8 X = 128", "t.thrift:1:14: constant 'X': 128 is out of range for i8"),
            ("const i32 X = \"s\"", "t.thrift:1:15: constant 'X' must be a i32 but is the string \"s\""),
            ("const string X = 1", "t.thrift:1:18: constant 'X' must be a string but is the integer 1"),
            ("const bool X = 1.5", "t.thrift:1:16: constant 'X' must be a bool but is the double 1.5"),
            ("const list<i32> X = [1, \"a\"]",
             "t.thrift:1:25: an element of constant 'X' must be a i32 but is the string \"a\""),
            ("const map<i32, i32> X = [1]", "t.thrift:1:25: constant 'X' must be a map<i32,i32> but is a list"),
            ("const uuid X = \"nope\"",
             "t.thrift:1:16: constant 'X': expected a uuid like \"00112233-4455-6677-8899-aabbccddeeff\" but found \"nope\""),
            ("struct P { 1: i32 x }\nconst P X = {\"y\": 1}", "t.thrift:2:14: struct 'P' has no field 'y'"),
            ("struct P { 1: i32 x }\nconst P X = {y: 1}", "t.thrift:2:14: struct 'P' has no field 'y'"),
            ("struct P { 1: i32 x }\nconst P X = {x: 1, \"x\": 2}", "t.thrift:2:20: field 'x' is set twice in constant 'X'"),
            ("union U { 1: i32 a; 2: i32 b }\nconst U X = {\"a\": 1, \"b\": 2}",
             "t.thrift:2:13: constant 'X' sets 2 fields of union 'U'; a union holds at most one"),
            ("enum A { X }\nenum B { Y }\nconst A V = B.Y",
             "t.thrift:3:13: 'B.Y' is a value of enum 'B' but constant 'V' must be a 'A'"),
            ("enum A { X }\nconst A V = A.Z", "t.thrift:2:13: enum 'A' has no value 'Z'"),
            ("enum A { X = 1 }\nconst A V = 5", "t.thrift:2:13: constant 'V': 5 is not a value of enum 'A'"),
            ("enum A { X = 1 }\nstruct S { 1: list<A> a = [1, 2] }",
             "t.thrift:2:31: an element of default value of 'a': 2 is not a value of enum 'A'"),
            ("const i32 X = NOPE", "t.thrift:1:15: unknown constant or enum value 'NOPE'"),
            ("const i32 A = B\nconst i32 B = A", "t.thrift:1:11: constant cycle A -> B -> A"),
            ("struct S { 1: i32 a = \"x\" }",
             "t.thrift:1:23: default value of 'a' must be a i32 but is the string \"x\""),
            ("struct S { 1: i16 a = 40000 }", "t.thrift:1:23: default value of 'a': 40000 is out of range for i16"),
        ])
    func typeErrors(source: String, expected: String) {
        #expect(idlError(source)?.description == expected)
    }
}
