import Testing

@testable import SluiceProtobuf

/// Text from a path or query parameter converted to each field type, as grpc-gateway converts it.
@Suite struct BoundTextTests {
    @Test(
        "text converts to the field's type",
        arguments: [
            ("f_int32", "-12", #"{"fInt32":-12}"#),
            ("f_int32", "1e3", #"{"fInt32":1000}"#),
            ("f_int32", "2147483647", #"{"fInt32":2147483647}"#),
            ("f_int64", "-9223372036854775808", #"{"fInt64":"-9223372036854775808"}"#),
            ("f_uint32", "4294967295", #"{"fUint32":4294967295}"#),
            ("f_uint64", "18446744073709551615", #"{"fUint64":"18446744073709551615"}"#),
            ("f_sint32", "-1", #"{"fSint32":-1}"#),
            ("f_sint64", "-2", #"{"fSint64":"-2"}"#),
            ("f_fixed32", "7", #"{"fFixed32":7}"#),
            ("f_fixed64", "8", #"{"fFixed64":"8"}"#),
            ("f_sfixed32", "-3", #"{"fSfixed32":-3}"#),
            ("f_sfixed64", "-4", #"{"fSfixed64":"-4"}"#),
            ("f_float", "1.5", #"{"fFloat":1.5}"#),
            ("f_float", "NaN", #"{"fFloat":"NaN"}"#),
            ("f_double", "-Infinity", #"{"fDouble":"-Infinity"}"#),
            ("f_double", "2.5e-3", #"{"fDouble":0.0025}"#),
            ("f_string", "h\u{e9}llo world", #"{"fString":"héllo world"}"#),
            ("f_bytes", "-_8", #"{"fBytes":"+/8="}"#),
            ("f_bytes", "+/8=", #"{"fBytes":"+/8="}"#),
            ("f_bytes", "AQID", #"{"fBytes":"AQID"}"#),
            ("color", "GREEN", #"{"color":"GREEN"}"#),
            ("color", "2", #"{"color":"GREEN"}"#),
            ("color", "9", #"{"color":9}"#),
            ("legacy.level", "HIGH", #"{"legacy":{"level":"HIGH"}}"#),
            ("maybe", "0", #"{"maybe":0}"#),
            ("ts", "2024-05-01T10:00:00.250+02:00", #"{"ts":"2024-05-01T08:00:00.250Z"}"#),
            ("dur", "1.5s", #"{"dur":"1.500s"}"#),
            ("dur", "-0.000000001s", #"{"dur":"-0.000000001s"}"#),
            ("wrapped", "42", #"{"wrapped":"42"}"#),
            ("wrapped", "0", #"{"wrapped":"0"}"#),
            ("name", "", #"{"name":""}"#),
            ("flag", "false", #"{"flag":false}"#),
            ("mask", "a.b,fooBar,baz_qux", #"{"mask":"a.b,fooBar,bazQux"}"#),
            ("mask", "", #"{"mask":""}"#),
            ("fInt32", "5", #"{"fInt32":5}"#),
        ])
    func converts(path: String, text: String, expected: String) throws {
        let written = try BindingFixture.request(body: nil, bound: [bound(path, text)])
        #expect(written == expected)
    }

    @Test(
        "bools are what Go's strconv.ParseBool takes",
        arguments: [
            ("1", true), ("t", true), ("T", true), ("TRUE", true), ("true", true), ("True", true),
            ("0", false), ("f", false), ("F", false), ("FALSE", false), ("false", false), ("False", false),
        ])
    func bools(text: String, value: Bool) throws {
        let bytes = try BindingFixture.encode(body: nil, bound: [bound("f_bool", text)])
        #expect(bytes == [0x70, value ? 1 : 0])
    }

    @Test(
        "text that does not convert is an error naming the source, the field and the text",
        arguments: [
            ("f_int32", "abc", ProtobufTranscodeError.Kind.invalidValue),
            ("f_int32", "1.5", .invalidValue),
            ("f_int32", " 1", .invalidValue),
            ("f_int32", "+1", .invalidValue),
            ("f_int32", "", .invalidValue),
            ("f_int32", "2147483648", .outOfRange),
            ("f_uint32", "-1", .outOfRange),
            ("f_uint64", "18446744073709551616", .outOfRange),
            ("f_float", "1e39", .outOfRange),
            ("f_double", "1e999", .outOfRange),
            ("f_double", "nan", .invalidValue),
            ("f_bool", "yes", .invalidValue),
            ("f_bytes", "*", .invalidValue),
            ("color", "PURPLE", .invalidValue),
            ("color", "2147483648", .invalidValue),
            ("legacy.level", "5", .invalidValue),
            ("ts", "yesterday", .invalidValue),
            ("dur", "5", .invalidValue),
            ("wrapped", "x", .invalidValue),
            ("flag", "on", .invalidValue),
        ])
    func conversionErrors(path: String, text: String, kind: ProtobufTranscodeError.Kind) throws {
        let error = try #require(BindingFixture.error(bound: [bound(path, text)]))
        #expect(error.kind == kind)
        #expect(error.path.hasPrefix("$."))
        #expect(error.message.hasPrefix("path parameter '\(path)': "))
    }

    @Test("the error quotes the text as JSON, so nothing in it can garble the message")
    func quotedText() throws {
        let error = try #require(BindingFixture.error(bound: [bound("f_int32", "a\"b\n")]))
        #expect(
            error.description == #"$.fInt32: path parameter 'f_int32': expected an integer (int32) but found "a\"b\n""#)
    }
}
