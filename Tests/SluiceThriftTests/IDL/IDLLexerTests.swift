@testable import SluiceThrift
import Testing

@Suite("IDL lexer")
struct IDLLexerTests {
    private func kinds(_ source: String) throws -> [IDLTokenKind] {
        try IDLLexer.tokenize(Array(source.utf8), file: "t.thrift").map(\.kind)
    }

    @Test("skips all three comment kinds and tracks line and column")
    func commentsAndPositions() throws {
        let source = "# hash\n// slashes\n/* block\n spanning */ struct /** doc */ A\n\tB"
        let tokens = try IDLLexer.tokenize(Array(source.utf8), file: "t.thrift")
        #expect(tokens.map(\.kind) == [.keyword(.struct), .identifier("A"), .identifier("B"), .end])
        #expect((tokens[0].line, tokens[0].column) == (4, 14))
        #expect((tokens[1].line, tokens[1].column) == (4, 32))
        #expect((tokens[2].line, tokens[2].column) == (5, 2))
    }

    @Test("columns count Unicode scalars, not bytes")
    func unicodeColumns() throws {
        let tokens = try IDLLexer.tokenize(Array("/* héé */ x".utf8), file: "t.thrift")
        #expect(tokens[0].column == 11)
    }

    @Test("integers: decimal, signed, hex, negative hex")
    func integers() throws {
        #expect(try kinds("0 42 -7 +5 0x1F -0X10 0x7fffffffffffffff -9223372036854775808")
            == [.int(0), .int(42), .int(-7), .int(5), .int(31), .int(-16), .int(Int64.max), .int(Int64.min), .end])
    }

    @Test("doubles: fraction, leading dot, exponents")
    func doubles() throws {
        #expect(try kinds("1.5 -0.25 .5 1e3 2.5E-2 -1e+2")
            == [.double(1.5), .double(-0.25), .double(0.5), .double(1000), .double(0.025), .double(-100), .end])
    }

    @Test("strings: both quotes and escapes")
    func strings() throws {
        #expect(try kinds(#""a'b" 'c"d' "t\tn\n\\q\"" 'é \u00e9 \ud83d\ude00'"#)
            == [.string("a'b"), .string("c\"d"), .string("t\tn\n\\q\""), .string("é é 😀"), .end])
    }

    @Test("dotted identifiers are one token; keywords are recognised")
    func identifiers() throws {
        #expect(try kinds("inc.Type Color.RED api.get _x1 list")
            == [.identifier("inc.Type"), .identifier("Color.RED"), .identifier("api.get"), .identifier("_x1"),
                .keyword(.list), .end])
    }

    @Test("symbols")
    func symbols() throws {
        #expect(try kinds("{}()[]<>,;:=*&")
            == [.symbol(.leftBrace), .symbol(.rightBrace), .symbol(.leftParen), .symbol(.rightParen),
                .symbol(.leftBracket), .symbol(.rightBracket), .symbol(.leftAngle), .symbol(.rightAngle),
                .symbol(.comma), .symbol(.semicolon), .symbol(.colon), .symbol(.equals), .symbol(.star),
                .symbol(.ampersand), .end])
    }

    @Test("a UTF-8 byte order mark is skipped")
    func byteOrderMark() throws {
        let tokens = try IDLLexer.tokenize([0xEF, 0xBB, 0xBF] + Array("x".utf8), file: "t.thrift")
        #expect(tokens.map(\.kind) == [.identifier("x"), .end])
        #expect(tokens[0].column == 1)
    }

    @Test(
        "lexical errors carry positions",
        arguments: [
            ("struct A {\n  1: string s = \"abc\n}", "t.thrift:2:17: unterminated string literal: expected '\"' before the end of the line"),
            ("x = 'abc", "t.thrift:1:5: unterminated string literal: expected \"'\" to close it"),
            ("/* open\n", "t.thrift:1:1: unterminated comment: expected '*/' to close it"),
            ("x = 99999999999999999999", "t.thrift:1:5: integer '99999999999999999999' is out of the i64 range"),
            ("x 0x", "t.thrift:1:3: expected hexadecimal digits after '0x'"),
            ("  12abc", "t.thrift:1:3: malformed number '12abc'"),
            ("a\n @", "t.thrift:2:2: unexpected character '@'"),
            ("'\\q'", "t.thrift:1:2: unknown escape sequence '\\q' in string literal"),
            ("'\\ud800'", "t.thrift:1:2: unpaired surrogate '\\ud800' in string literal"),
            ("'\\u12'", "t.thrift:1:2: expected four hexadecimal digits after '\\u'"),
        ])
    func errors(source: String, expected: String) {
        #expect(throws: ThriftIDLError.self) { try IDLLexer.tokenize(Array(source.utf8), file: "t.thrift") }
        do {
            _ = try IDLLexer.tokenize(Array(source.utf8), file: "t.thrift")
        } catch {
            #expect(error.description == expected)
        }
    }

    @Test("invalid UTF-8 inside a string literal is rejected")
    func invalidUTF8() {
        let bytes: [UInt8] = Array("x = \"".utf8) + [0xFF, 0xFE] + Array("\"".utf8)
        #expect(throws: ThriftIDLError(
            location: SluiceThrift.SourceLocation(file: "t.thrift", line: 1, column: 5),
            message: "string literal is not valid UTF-8")) {
            try IDLLexer.tokenize(bytes, file: "t.thrift")
        }
    }
}
