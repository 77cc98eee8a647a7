import NIOCore
import SluiceJSON
import SluiceThrift
import Testing

@Suite("Transcode number exactness")
struct TranscodeExactnessTests {
    static let protocols = ThriftProtocolKind.allCases

    private func bound(_ name: String, _ text: String) -> BoundValue {
        BoundValue(path: ["req", name], text: text, source: "query parameter '\(name)'")
    }

    @Test("an i64 written with a fraction or exponent reaches the wire exactly (issue examples)")
    func i64Exact() throws {
        // Binary: i64 field 1 (0a 0001), then the value; 9007199254740993 is 0x20000000000001.
        for json in [
            #"{"big": 9007199254740993.0}"#, #"{"big": 9007199254740993e0}"#, #"{"big": "9007199254740993"}"#,
            #"{"big": 9007199254740993}"#, #"{"big": 90071992547409930e-1}"#,
        ] {
            #expect(hex(try NumbersSchema.encode(json)) == "0a0001" + "0020000000000001" + "00", "\(json)")
        }
        #expect(hex(try NumbersSchema.encode(#"{"big": 9223372036854775807.0}"#)) == "0a0001" + "7fffffffffffffff" + "00")
        #expect(hex(try NumbersSchema.encode(#"{"big": -9223372036854775808e0}"#)) == "0a0001" + "8000000000000000" + "00")
    }

    @Test("whole numbers with a fraction or exponent fill every integer type and enums", arguments: protocols)
    func wholeNumbers(_ kind: ThriftProtocolKind) throws {
        let json = #"{"int": 12.50e1, "tiny": 1.27e2, "level": 2.0, "list": [1e3, 1.0, -0.0]}"#
        let decoded = try decode(try NumbersSchema.encode(json, kind), NumbersSchema.numbers, kind, schema: NumbersSchema.schema)
        #expect(decoded == #"{"int":125,"tiny":127,"level":2,"list":[1000,1,0]}"#)
    }

    @Test(
        "a fractional value for an integer is a 400 naming the field and offset, never rounded",
        arguments: [
            (#"{"big": 1.5}"#, "$.big", 8), (#"{"int": 1e-1}"#, "$.int", 8),
            (#"{"big": 9007199254740993.5}"#, "$.big", 8), (#"{"list": [1, 2.25]}"#, "$.list[1]", 13),
            (#"{"level": 1.5}"#, "$.level", 10),
        ])
    func fractions(_ json: String, _ path: String, _ offset: Int) throws {
        let failure = try #require(NumbersSchema.error(json))
        #expect(failure.kind == .wrongType)
        #expect(failure.path == path)
        #expect(failure.offset == offset)
        #expect(failure.message.contains("fractional number"), "\(failure.message)")
    }

    @Test(
        "a whole value beyond the type is out of range, exponent or not",
        arguments: [
            (#"{"big": 1e19}"#, "$.big"), (#"{"big": 9223372036854775808.0}"#, "$.big"), (#"{"tiny": 1.28e2}"#, "$.tiny"),
            (#"{"int": 2147483648.0}"#, "$.int"), (#"{"big": 1e400}"#, "$.big"),
        ])
    func outOfRange(_ json: String, _ path: String) throws {
        let failure = try #require(NumbersSchema.error(json))
        #expect(failure.kind == .outOfRange)
        #expect(failure.path == path)
        #expect(failure.offset == 8 || failure.offset == 9)
    }

    @Test("a double that overflows to infinity is a 400; one that underflows is 0", arguments: protocols)
    func doubleRange(_ kind: ThriftProtocolKind) throws {
        for json in [#"{"dbl": 1e400}"#, #"{"dbl": -1e400}"#, #"{"doubles": [1, 2e308]}"#] {
            let failure = try #require(NumbersSchema.error(json, kind), "\(json)")
            #expect(failure.kind == .outOfRange, "\(json)")
            #expect(failure.message.hasSuffix("is out of range for double"), "\(failure.message)")
        }
        #expect(NumbersSchema.error(#"{"dbl": 1e400}"#, kind)?.offset == 8)
        let decoded = try decode(
            try NumbersSchema.encode(#"{"dbl": 1e-400}"#, kind), NumbersSchema.numbers, kind, schema: NumbersSchema.schema)
        #expect(decoded == #"{"dbl":0.0}"#)
        // The spellings JSON has for infinity still work.
        let infinite = try NumbersSchema.encode(#"{"dbl": "-Infinity"}"#, kind)
        #expect(try decode(infinite, NumbersSchema.numbers, kind, schema: NumbersSchema.schema) == #"{"dbl":"-Infinity"}"#)
    }

    @Test("-0 and -0.0 stay negative zero on the wire")
    func negativeZero() throws {
        // Binary: double field 4 (04 0004), then the IEEE 754 bits; negative zero is the sign bit alone.
        for json in [#"{"dbl": -0}"#, #"{"dbl": -0.0}"#, #"{"dbl": -0e3}"#] {
            #expect(hex(try NumbersSchema.encode(json)) == "040004" + "8000000000000000" + "00", "\(json)")
        }
        #expect(hex(try NumbersSchema.encode(#"{"dbl": 0}"#)) == "040004" + "0000000000000000" + "00")
        #expect(try NumbersSchema.arguments([bound("dbl", "-0")]) == #"{"req":{"dbl":-0.0}}"#)
    }

    @Test("bound values: i64 text is exact, a double that overflows is a 400 naming the parameter")
    func boundValues() throws {
        #expect(try NumbersSchema.arguments([bound("big", "9007199254740993")]) == #"{"req":{"big":9007199254740993}}"#)
        #expect(try NumbersSchema.arguments([bound("dbl", "Infinity")]) == #"{"req":{"dbl":"Infinity"}}"#)
        let failure = try #require(transcodeError { _ = try NumbersSchema.arguments([bound("dbl", "1e400")]) })
        #expect(failure.kind == .outOfRange)
        #expect(failure.path == "$.req.dbl")
        #expect(failure.message == "query parameter 'dbl': 1e400 is out of range for double")
    }

    @Test("a double map key that overflows is a 400 at the key", arguments: protocols)
    func doubleKey(_ kind: ThriftProtocolKind) throws {
        let failure = try #require(NumbersSchema.error(#"{"byDouble": {"1": "a", "1e999": "b"}}"#, kind))
        #expect(failure.kind == .outOfRange)
        #expect(failure.path == #"$.byDouble["1e999"]"#)
        #expect(failure.offset == 24)
    }

    @Test(
        "a body that is not JSON is a syntax error at its first byte, not a boolean of the wrong type",
        arguments: ["text=formtext", "trueish", "nullable=1", "  false_start"])
    func notJSON(_ text: String) throws {
        let failure = try #require(NumbersSchema.error(text))
        #expect(failure.kind == .syntax)
        #expect(failure.offset == text.prefix { $0 == " " }.count)
        #expect(failure.message.hasPrefix("expected a JSON value but found '"), "\(failure.message)")
    }

    @Test("a field's value that only starts like a literal is a syntax error at that value")
    func notALiteral() throws {
        for (json, offset) in [(#"{"int": nullx}"#, 8), (#"{"ids": [truex]}"#, 9), (#"{"unknown": falsey, "int": 1}"#, 12)] {
            let failure = try #require(NumbersSchema.error(json), "\(json)")
            #expect(failure.kind == .syntax, "\(json)")
            #expect(failure.offset == offset, "\(json)")
        }
        // A real boolean of the wrong type is still reported as one.
        #expect(NumbersSchema.error(#"{"int": true}"#)?.message == "expected i32 but found boolean")
    }
}
