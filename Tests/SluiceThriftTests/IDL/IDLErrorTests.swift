import SluiceThrift
import Testing

@Suite("IDL errors")
struct IDLErrorTests {
    @Test("an unclosed struct followed by a misspelt keyword names the struct and the word")
    func unclosedStruct() {
        let source = """
            namespace go echo

            struct Request {
              1: string name
              2: i32 count

            servce EchoService {
              string Say(1: Request req)
            }
            """
        #expect(idlError(source, file: "echo.thrift")?.description
            == "echo.thrift:7:1: expected '}' to close struct 'Request' but found 'servce'")
    }

    @Test(
        "syntax errors say what was expected, at the exact position",
        arguments: [
            ("struct A {\n  1: string a\nservice S {}", "t.thrift:3:1: expected '}' to close struct 'A' but found 'service'"),
            ("struct A {\n  1: string a\n", "t.thrift:3:1: expected '}' to close struct 'A' but found end of file"),
            ("struct A { 1 string a }", "t.thrift:1:14: expected ':' after field id 1 but found 'string'"),
            ("struct A { 1: a }", "t.thrift:1:17: expected a field name but found '}'"),
            ("struct A { 1: }", "t.thrift:1:15: expected a field type but found '}'"),
            ("struct A { 40000: i32 a }", "t.thrift:1:12: field id 40000 is out of range: ids must be between 1 and 32767"),
            ("struct { }", "t.thrift:1:8: expected a struct name but found '{'"),
            ("struct list { }", "t.thrift:1:8: 'list' is a reserved keyword and cannot be used as a struct name"),
            ("service S { void list() }", "t.thrift:1:18: 'list' is a reserved keyword and cannot be used as a method name"),
            ("const i32 map = 1", "t.thrift:1:11: 'map' is a reserved keyword and cannot be used as a constant name"),
            ("enum E { A, string }", "t.thrift:1:13: 'string' is a reserved keyword and cannot be used as an enum value name"),
            ("struct A { 1: i32 true }", "t.thrift:1:19: 'true' is a reserved keyword and cannot be used as a field name"),
            ("struct A { 1: slist s }", "t.thrift:1:15: 'slist' is no longer part of the Thrift language; use 'string'"),
            ("java_package x.y", "t.thrift:1:1: 'java_package' is no longer supported; write 'namespace java <name>'"),
            ("const string S = \"abc\ndef\"",
             "t.thrift:1:18: unterminated string literal: expected '\"' before the end of the line"),
            ("enum service { A }", "t.thrift:1:6: 'service' is a reserved keyword and cannot be used as an enum name"),
            ("enum E { A = x }", "t.thrift:1:14: expected an integer value for 'E.A' but found 'x'"),
            ("enum E { A = 2147483648 }", "t.thrift:1:10: value 2147483648 of 'E.A' is out of the i32 range"),
            ("enum E { A = 2147483647, B }", "t.thrift:1:26: value 2147483648 of 'E.B' is out of the i32 range"),
            ("enum E { A\nstruct S {}", "t.thrift:2:1: expected '}' to close enum 'E' but found 'struct'"),
            ("service S { void f()\nenum E {}", "t.thrift:2:1: expected '}' to close service 'S' but found 'enum'"),
            ("enum E { 1 }", "t.thrift:1:10: expected an enum value name or '}' to close enum 'E' but found '1'"),
            ("typedef i32", "t.thrift:1:12: expected a typedef name but found end of file"),
            ("typedef i32 a.b", "t.thrift:1:13: a typedef name 'a.b' cannot contain '.'"),
            ("const i32 X 1", "t.thrift:1:13: expected '=' and a value for constant 'X' but found '1'"),
            ("const list<i32> X = [1, 2", "t.thrift:1:26: expected ']' to close the list opened at line 1 but found end of file"),
            ("const map<i32,i32> X = {1 2}", "t.thrift:1:27: expected ':' after a map key but found '2'"),
            ("const i32 X = }", "t.thrift:1:15: expected a constant value but found '}'"),
            ("map<i32> x", "t.thrift:1:1: expected a definition (struct, union, exception, enum, const, typedef or service) but found 'map'"),
            ("struct A { 1: map<i32> m }", "t.thrift:1:22: expected ',' between the key and value types of 'map' but found '>'"),
            ("struct A { 1: list<i32 l }", "t.thrift:1:24: expected '>' to close 'list<' but found 'l'"),
            ("struct A { 1: void v }", "t.thrift:1:15: 'void' can only be the return type of a method"),
            ("struct A {} (a = 1)", "t.thrift:1:18: expected a quoted value for annotation 'a' but found '1'"),
            ("struct A {} (= \"x\")", "t.thrift:1:14: expected an annotation name but found '='"),
            ("service S { void f( }", "t.thrift:1:21: expected a field or ')' to close the arguments of 'S.f' but found '}'"),
            ("service S { void f() throws 1 }", "t.thrift:1:29: expected '(' after 'throws' but found '1'"),
            ("service S { 42 }", "t.thrift:1:13: expected a method (return type or 'void') or '}' to close service 'S' but found '42'"),
            ("service S extends { }", "t.thrift:1:19: expected a service name after 'extends' but found '{'"),
            ("struct A {}\ninclude \"x.thrift\"", "t.thrift:2:1: 'include' must come before the first definition (line 1)"),
            ("include x", "t.thrift:1:9: expected a quoted file name after 'include' but found 'x'"),
            ("namespace 1 x", "t.thrift:1:11: expected a namespace scope (a language such as 'go', or '*') but found '1'"),
            ("senum S {}", "t.thrift:1:1: 'senum' is no longer part of the Thrift language"),
            ("const list<list<list<i32>>> X = [[[[]]]]", "t.thrift:1:36: an element of constant 'X' must be a i32 but is a list"),
        ])
    func syntax(source: String, expected: String) {
        #expect(idlError(source)?.description == expected)
    }

    @Test(
        "semantic errors point at the offending declaration",
        arguments: [
            ("struct A {\n  1: Foo f\n}", "t.thrift:2:6: unknown type 'Foo'"),
            ("struct A { 1: inc.Foo f }", "t.thrift:1:15: unknown type 'inc.Foo': this file includes no file named 'inc'"),
            ("struct A {\n  1: i32 a\n  1: i32 b\n}", "t.thrift:3:3: duplicate field id 1 in struct 'A': 'b' and 'a' (line 2)"),
            ("struct A {\n  1: i32 a\n  2: i32 a\n}", "t.thrift:3:3: duplicate field name 'a' in struct 'A' (first declared at line 2)"),
            ("struct A {}\nenum A { X }", "t.thrift:2:6: 'A' is already declared at line 1"),
            ("service A {}\ntypedef i32 A", "t.thrift:2:13: 'A' is already declared at line 1"),
            ("const i32 A = 1\nconst i64 A = 2", "t.thrift:2:11: 'A' is already declared at line 1"),
            ("enum E { X, X }", "t.thrift:1:13: duplicate value name 'X' in enum 'E' (first declared at line 1)"),
            ("typedef B A\ntypedef A B", "t.thrift:1:11: typedef cycle A -> B -> A"),
            ("const i32 C = 1\nstruct A { 1: C c }", "t.thrift:2:15: expected a type but 'C' is a constant"),
            ("service S {}\nstruct A { 1: S s }", "t.thrift:2:15: expected a type but 'S' is a service"),
        ])
    func semantic(source: String, expected: String) {
        #expect(idlError(source)?.description == expected)
    }

    @Test("diagnose reports every semantic error in source order")
    func diagnoseAll() throws {
        let directory = try IDLTemporaryDirectory()
        let path = try directory.write(
            "many.thrift",
            """
            struct A {
              1: Missing a
              1: i32 b
            }
            const i8 BIG = 1000
            service S extends Nowhere {}
            """)
        let errors = ThriftIDL.diagnose(path: path)
        #expect(errors.map { "\($0.location.line):\($0.location.column)" } == ["2:6", "3:3", "5:16", "6:19"])
        #expect(ThriftIDL.diagnose(path: directory.path + "/absent.thrift").first?.message
            == "cannot read IDL file '\(directory.path)/absent.thrift'")
    }

    @Test("the first error is the one thrown")
    func firstThrown() {
        #expect(idlError("struct A { 1: X a }\nstruct B { 1: Y b }")?.message == "unknown type 'X'")
    }
}
