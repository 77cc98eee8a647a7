import SluiceJSON
import Testing

/// Reads one number document and returns what `read` makes of its token.
private func number<T>(_ text: String, _ read: (JSONScanner, JSONNumberToken) -> T) throws -> T {
    try Array(text.utf8).withUnsafeBytes { raw in
        var scanner = JSONScanner(bytes: raw)
        let token = try scanner.readNumber()
        try scanner.finish()
        return read(scanner, token)
    }
}

private func integer(_ text: String) throws -> IntegerText {
    try number(text) { scanner, token in scanner.integer(token) }
}

private func double(_ text: String) throws -> Double {
    try number(text) { scanner, token in scanner.double(token) }
}

@Suite("JSON number exactness")
struct JSONExactnessTests {
    @Test(
        "a fraction or exponent is fine when the exact decimal value is whole",
        arguments: [
            ("1.0", Int64(1)), ("1e3", 1000), ("12.50e1", 125), ("9223372036854775807.0", .max),
            ("-9223372036854775808.0", .min), ("9007199254740993.0", 9_007_199_254_740_993),
            ("9007199254740993e0", 9_007_199_254_740_993), ("900719925474099.3e1", 9_007_199_254_740_993),
            ("0.0", 0), ("-0.0", 0), ("0e99999999999999999999", 0), ("1000e-3", 1), ("0.001e3", 1),
            ("92233720368547758070e-1", .max), ("1E+2", 100), ("0.5e1", 5),
        ])
    func wholeNumbers(_ text: String, _ expected: Int64) throws {
        #expect(try integer(text) == .value(expected), "\(text)")
    }

    @Test(
        "a value with a fractional part is not an integer, however close",
        arguments: ["1.5", "1e-1", "9007199254740993.5", "9223372036854775807.000000000000000001", "-0.5", "1e-99999999999999999999"])
    func fractions(_ text: String) throws {
        #expect(try integer(text) == .invalid, "\(text)")
    }

    @Test(
        "a whole value beyond Int64 overflows instead of rounding",
        arguments: ["1e19", "9223372036854775808.0", "-9223372036854775809e0", "1e99999999999999999999", "18446744073709551616.0"])
    func overflow(_ text: String) throws {
        #expect(try integer(text) == .overflow, "\(text)")
    }

    @Test("-0 and -0.0 are negative zero; numbers too large become infinity for the caller to reject")
    func doubles() throws {
        for text in ["-0", "-0.0", "-0e0", "-0.0e-5"] {
            let value = try double(text)
            #expect(value == 0 && value.sign == .minus, "\(text)")
        }
        #expect(try double("0").sign == .plus)
        #expect(try double("1e400") == .infinity)
        #expect(try double("-1e400") == -.infinity)
        #expect(try double("1e-400") == 0)
        #expect(try double("1.7976931348623157e308") == .greatestFiniteMagnitude)
    }
}

@Suite("JSON literals")
struct JSONLiteralTests {
    @Test(
        "a literal must be followed by a delimiter; a foreign word fails at its first byte",
        arguments: [
            ("trueish", 0), ("text=formtext", 0), ("[1, nullx]", 4), ("{\"a\": falsey}", 6), ("[true1]", 1),
            ("nul]", 0),
        ])
    func foreignWords(_ text: String, _ offset: Int) throws {
        let error = try #require(validate(text), "\(text)")
        #expect(error.kind == .unexpectedCharacter, "\(text)")
        #expect(error.offset == offset, "\(text)")
        #expect(error.message.hasPrefix("expected a JSON value but found '"), "\(error.message)")
    }

    @Test("literals end at whitespace, a comma, a closing bracket or the end", arguments: ["true", "[true,false ,null]", "{\"a\":null}", "[false]\n", "null\t"])
    func delimited(_ text: String) {
        #expect(validate(text) == nil, "\(text)")
    }

    @Test("invalidLiteral names a word that only starts like a literal, and nothing else")
    func invalidLiteral() throws {
        func check(_ text: String) -> JSONError? {
            Array(text.utf8).withUnsafeBytes { raw in
                var scanner = JSONScanner(bytes: raw)
                return scanner.invalidLiteral()
            }
        }
        let form = try #require(check("text=formtext&more=1"))
        #expect(form.offset == 0)
        #expect(form.message == "expected a JSON value but found 'text=formtext&more=1'")
        #expect(try #require(check("  nope")).offset == 2)
        #expect(try #require(check("false_and_a_very_long_word_indeed")).message.hasSuffix("...'"))
        #expect(check("true") == nil)
        #expect(check(" null ") == nil)
        #expect(check("{}") == nil)
        #expect(check("") == nil)
    }
}
