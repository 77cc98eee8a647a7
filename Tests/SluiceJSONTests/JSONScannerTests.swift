import NIOCore
import SluiceJSON
import Testing

/// Skips one whole document (validating it) and returns the error, if any.
func validate(_ text: String, maxDepth: Int = 64) -> JSONError? {
    validate(Array(text.utf8), maxDepth: maxDepth)
}

private func validate(_ bytes: [UInt8], maxDepth: Int = 64) -> JSONError? {
    bytes.withUnsafeBytes { raw -> JSONError? in
        var scanner = JSONScanner(bytes: raw, maxDepth: maxDepth)
        do throws(JSONError) {
            try scanner.skipValue()
            try scanner.finish()
            return nil
        } catch {
            return error
        }
    }
}

/// The decoded value of a single JSON string document.
private func decodeString(_ text: String) throws -> String {
    try Array(text.utf8).withUnsafeBytes { raw in
        var scanner = JSONScanner(bytes: raw)
        let token = try scanner.readString()
        try scanner.finish()
        return scanner.decodedString(token)
    }
}

@Suite("JSONScanner")
struct JSONScannerTests {
    @Test(
        "accepts well-formed documents",
        arguments: [
            "{}", "[]", " { \"a\" : [1, -2.5e3, 0, 0.1, 1E+2, true, false, null, \"x\"] } ", "\"\"", "0", "-0",
            "[[[]]]", "{\"a\":{\"b\":{}}}", "\"\\u00e9\\n\\t\\\\\\/\\\"\"", "\"é日本\"", "\"\\ud83d\\ude00\"",
            "\"😀\"", "123456789012345678901234567890",
        ])
    func accepts(_ text: String) {
        #expect(validate(text) == nil)
    }

    @Test(
        "rejects malformed documents at the right offset",
        arguments: [
            ("[1,]", JSONError.Kind.unexpectedCharacter, 3),
            ("{\"a\":1,}", .unexpectedCharacter, 7),
            ("01", .invalidNumber, 0),
            ("[-01]", .invalidNumber, 1),
            ("1.", .invalidNumber, 2),
            ("1e", .invalidNumber, 2),
            ("-", .unexpectedEnd, 1),
            ("+1", .unexpectedCharacter, 0),
            ("\"a\u{01}\"", .unexpectedCharacter, 2),
            ("\"ab", .unexpectedEnd, 3),
            ("\"\\x\"", .invalidEscape, 1),
            ("\"\\ud800\"", .invalidEscape, 1),
            ("\"\\udc00\"", .invalidEscape, 1),
            ("\"\\ud800\\u0041\"", .invalidEscape, 7),
            ("\"\\u12g4\"", .invalidEscape, 5),
            ("[1 2]", .unexpectedCharacter, 3),
            ("{\"a\" 1}", .unexpectedCharacter, 5),
            ("{1:2}", .unexpectedCharacter, 1),
            ("tru", .unexpectedEnd, 3),
            ("nul", .unexpectedEnd, 3),
            ("[true false]", .unexpectedCharacter, 6),
            ("{} {}", .trailingData, 3),
            ("", .unexpectedEnd, 0),
            ("[", .unexpectedEnd, 1),
            ("NaN", .unexpectedCharacter, 0),
        ])
    func rejects(_ text: String, kind: JSONError.Kind, offset: Int) throws {
        let error = try #require(validate(text))
        #expect(error.kind == kind)
        #expect(error.offset == offset)
    }

    @Test(
        "rejects invalid UTF-8 in strings",
        arguments: [
            [0x22, 0xC0, 0xAF, 0x22],  // overlong '/'
            [0x22, 0xED, 0xA0, 0x80, 0x22],  // encoded surrogate
            [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22],  // beyond U+10FFFF
            [0x22, 0x80, 0x22],  // lone continuation
            [0x22, 0xE2, 0x82, 0x22],  // truncated sequence
            [0x22, 0xFF, 0x22],
        ] as [[UInt8]])
    func rejectsInvalidUTF8(_ bytes: [UInt8]) throws {
        let error = try #require(validate(bytes))
        #expect(error.kind == .invalidUTF8)
        #expect(error.offset == 1)
    }

    @Test("decodes escapes and surrogate pairs")
    func decodesEscapes() throws {
        #expect(try decodeString(#""a\"b\\c\/d\b\f\n\r\t""#) == "a\"b\\c/d\u{08}\u{0C}\n\r\t")
        #expect(try decodeString(#""\u00e9\u65e5\ud83d\ude00""#) == "é日😀")
        #expect(try decodeString(#""\u0000""#) == "\u{0}")
        #expect(try decodeString("\"plain é\"") == "plain é")
    }

    @Test("counts decoded bytes so writers can prefix lengths")
    func decodedCount() throws {
        try Array(#""\u00e9x\ud83d\ude00""#.utf8).withUnsafeBytes { raw in
            var scanner = JSONScanner(bytes: raw)
            let token = try scanner.readString()
            #expect(token.hasEscapes)
            #expect(token.decodedCount == 2 + 1 + 4)
            var buffer = ByteBuffer()
            scanner.write(token, into: &buffer)
            #expect(String(buffer: buffer) == "éx😀")
        }
    }

    @Test("compares keys as bytes, escaped or not")
    func keyComparison() throws {
        try Array(#"{"name":1,"n\u0061me":2}"#.utf8).withUnsafeBytes { raw in
            var scanner = JSONScanner(bytes: raw)
            var cursor = try scanner.beginObject()
            var matches = 0
            while let key = try scanner.nextKey(&cursor) {
                if scanner.string(key, equals: "name") { matches += 1 }
                #expect(!scanner.string(key, equals: "nam"))
                try scanner.skipValue()
            }
            #expect(matches == 2)
        }
    }

    @Test("caps nesting depth")
    func depthLimit() throws {
        #expect(validate(String(repeating: "[", count: 10) + String(repeating: "]", count: 10), maxDepth: 10) == nil)
        let error = try #require(
            validate(String(repeating: "[", count: 11) + String(repeating: "]", count: 11), maxDepth: 10))
        #expect(error.kind == .tooDeep)
        #expect(error.offset == 10)
    }

    @Test("parses integers with overflow detection")
    func integers() throws {
        func parse(_ text: String) throws -> IntegerText {
            try Array(text.utf8).withUnsafeBytes { raw in
                var scanner = JSONScanner(bytes: raw)
                let token = try scanner.readNumber()
                return scanner.integer(token)
            }
        }
        #expect(try parse("9223372036854775807") == .value(.max))
        #expect(try parse("-9223372036854775808") == .value(.min))
        #expect(try parse("9223372036854775808") == .overflow)
        #expect(try parse("-9223372036854775809") == .overflow)
        #expect(try parse("1.5") == .invalid)
        #expect(IntegerText.parse("12a") == .invalid)
        #expect(IntegerText.parse("-") == .invalid)
        #expect(IntegerText.parse("") == .invalid)
    }

    @Test("parses doubles")
    func doubles() throws {
        try Array("[1.5e3, -0.25, 1e400, 5e-324]".utf8).withUnsafeBytes { raw in
            var scanner = JSONScanner(bytes: raw)
            var cursor = try scanner.beginArray()
            var values: [Double] = []
            while try scanner.nextElement(&cursor) {
                values.append(scanner.double(try scanner.readNumber()))
            }
            #expect(values == [1500, -0.25, .infinity, .leastNonzeroMagnitude])
        }
    }
}

@Suite("JSONScanner tokens")
struct JSONScannerTokenTests {
    @Test("walks a document token by token")
    func walk() throws {
        try Array(#" {"a": null, "b": [true, {"c": "d"}], "e": -1.5 } "#.utf8).withUnsafeBytes { raw in
            var scanner = JSONScanner(bytes: raw)
            var object = try scanner.beginObject()
            var key = try #require(try scanner.nextKey(&object))
            #expect(scanner.decodedString(key) == "a")
            #expect(try scanner.readNullIfPresent())
            key = try #require(try scanner.nextKey(&object))
            #expect(try scanner.peekKind() == .array)
            #expect(try !scanner.readNullIfPresent())
            try scanner.skipValue()
            key = try #require(try scanner.nextKey(&object))
            #expect(scanner.decodedString(key) == "e")
            let number = try scanner.readNumber()
            #expect(!number.isInteger)
            #expect(String(decoding: scanner.rawBytes(of: number), as: UTF8.self) == "-1.5")
            #expect(try scanner.nextKey(&object) == nil)
            let atEnd = scanner.isAtEnd()
            #expect(atEnd)
            try scanner.finish()
        }
    }

    @Test("reports a wrong token with what was expected")
    func wrongToken() throws {
        try Array("[1]".utf8).withUnsafeBytes { raw in
            var scanner = JSONScanner(bytes: raw)
            #expect(throws: JSONError.self) { try scanner.beginObject() }
            do throws(JSONError) {
                _ = try scanner.readBool()
            } catch {
                #expect(error.message == "expected true or false but found '['")
                #expect(error.offset == 0)
            }
        }
    }
}

@Suite("UTF8Validation")
struct UTF8ValidationTests {
    @Test("accepts well-formed text and rejects the rest")
    func validation() {
        #expect(Array("aé日😀".utf8).withUnsafeBytes { UTF8Validation.isValid($0) })
        #expect([UInt8]([0xE0, 0x9F, 0x80]).withUnsafeBytes { !UTF8Validation.isValid($0) })  // overlong
        #expect([UInt8]([0xF0, 0x8F, 0x80, 0x80]).withUnsafeBytes { !UTF8Validation.isValid($0) })  // overlong
        #expect([UInt8]([0xF4, 0x8F, 0xBF, 0xBF]).withUnsafeBytes { UTF8Validation.isValid($0) })  // U+10FFFF
        #expect([UInt8]([0xC1, 0xBF]).withUnsafeBytes { !UTF8Validation.isValid($0) })
    }
}
