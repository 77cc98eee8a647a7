import Testing

@testable import SluiceProtobuf

/// JSON -> binary: each rule of the canonical JSON mapping, checked against the bytes protobuf defines.
@Suite(.enabled(if: CodecFixture.canRun, "needs protoc (required on CI)"))
struct JSONToProtobufTests {
    @Test(arguments: [
        (#"{"fInt32": 150}"#, [0x18, 0x96, 0x01] as [UInt8]),
        (#"{"f_int32": "150"}"#, [0x18, 0x96, 0x01]),
        (#"{"fInt32": 1.5e2}"#, [0x18, 0x96, 0x01]),
        (#"{"fInt32": "1e2"}"#, [0x18, 0x64]),
        (#"{"fInt32": -1}"#, [0x18, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]),
        (#"{"fInt32": 0, "fString": "", "fBool": false, "fBytes": ""}"#, []),
        (#"{"fInt32": null, "fColor": null}"#, []),
        (#"{"fInt64": "9223372036854775807"}"#, [0x20, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F]),
        (#"{"fUint64": "18446744073709551615"}"#, [0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]),
        (#"{"fUint64": 18446744073709551615}"#, [0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]),
        (#"{"fSint32": -1}"#, [0x38, 0x01]),
        (#"{"fSint64": "-2"}"#, [0x40, 0x03]),
        (#"{"fFixed32": 1}"#, [0x4D, 0x01, 0x00, 0x00, 0x00]),
        (#"{"fSfixed64": -1}"#, [0x61, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]),
        (#"{"fBool": true}"#, [0x68, 0x01]),
        (#"{"fString": "h\u00e9"}"#, [0x72, 0x03, 0x68, 0xC3, 0xA9]),
        (#"{"fBytes": "-_8"}"#, [0x7A, 0x02, 0xFB, 0xFF]),
        (#"{"fBytes": "+/8="}"#, [0x7A, 0x02, 0xFB, 0xFF]),
        (#"{"fDouble": "1.5"}"#, [0x09, 0, 0, 0, 0, 0, 0, 0xF8, 0x3F]),
        (#"{"fFloat": "-Infinity"}"#, [0x15, 0x00, 0x00, 0x80, 0xFF]),
        (#"{"fColor": "RED"}"#, [0x80, 0x01, 0x01]),
        (#"{"fColor": 7}"#, [0x80, 0x01, 0x07]),
        (#"{"fColor": "PURPLE"}"#, []),
        (#"{"nope": [1, {"x": null}], "fInt32": 1}"#, [0x18, 0x01]),
    ])
    func scalarsAreWrittenAsProtobufDefines(json: String, bytes: [UInt8]) throws {
        #expect(try codecBytes("codec.test.Scalars", json) == bytes)
    }

    @Test func repeatedScalarsArePackedInProto3UnlessDeclaredOtherwise() throws {
        #expect(try codecBytes("codec.test.Repeateds", #"{"rInt32": [1, 2, 3]}"#) == [0x1A, 0x03, 0x01, 0x02, 0x03])
        #expect(try codecBytes("codec.test.Repeateds", #"{"rUnpacked": [1, 2]}"#) == [0x88, 0x01, 0x01, 0x88, 0x01, 0x02])
        #expect(try codecBytes("codec.test.Repeateds", #"{"rInt32": [], "rString": ["a", ""]}"#)
            == [0x72, 0x01, 0x61, 0x72, 0x00])
        #expect(try codecBytes("codec.legacy.Legacy", #"{"id": 1, "plain": [5], "packed": [5]}"#)
            == [0x08, 0x01, 0x40, 0x05, 0x4A, 0x01, 0x05])
    }

    @Test func groupsAreWrittenWithStartAndEndTags() throws {
        #expect(try codecBytes("codec.legacy.Legacy", #"{"id": 1, "item": {"x": 5}}"#)
            == [0x08, 0x01, 0x53, 0x58, 0x05, 0x54])
    }

    @Test func mapsTakeEveryKeyTypeFromStrings() throws {
        #expect(try codecBytes("codec.test.Maps", #"{"mBool": {"true": "x"}}"#)
            == [0x5A, 0x05, 0x08, 0x01, 0x12, 0x01, 0x78])
        #expect(try codecBytes("codec.test.Maps", #"{"mSint32": {"-1": 0}}"#)
            == [0x2A, 0x0B, 0x08, 0x01, 0x11, 0, 0, 0, 0, 0, 0, 0, 0])
        #expect(try codecBytes("codec.test.Maps", #"{"mString": {"k": {}}}"#)
            == [0x62, 0x05, 0x0A, 0x01, 0x6B, 0x12, 0x00])
        for json in [#"{"mInt32":{"1":"a"}}"#, #"{"mInt64":{"-9223372036854775808":1}}"#, #"{"mUint32":{"4294967295":"1"}}"#,
                     #"{"mUint64":{"18446744073709551615":true}}"#, #"{"mSint64":{"-3":1.5}}"#, #"{"mFixed32":{"7":"AQ=="}}"#,
                     #"{"mFixed64":{"8":"GREEN"}}"#, #"{"mSfixed32":{"-9":{"a":1}}}"#, #"{"mSfixed64":{"-10":"11"}}"#,
                     #"{"mBool":{"false":"f"}}"#, #"{"mColor":{"c":"BLUE"}}"#, #"{"mValue":{"v":[null]}}"#,
                     #"{"mTimestamp":{"t":"1970-01-01T00:00:01Z"}}"#] {
            #expect(try codecJSON("codec.test.Maps", try codecBytes("codec.test.Maps", json)) == json)
        }
    }

    @Test func longNestedMessagesGetTheirLengthPrefixesPatched() throws {
        for length in [1, 126, 127, 128, 300, 20_000, 3_000_000] {
            let text = String(repeating: "x", count: length)
            let json = #"{"a":1,"child":{"child":{"b":"\#(text)"},"a":2},"children":[{"b":"\#(text)"},{"a":3}]}"#
            #expect(try codecJSON("codec.test.Nested", try codecBytes("codec.test.Nested", json)) == json)
        }
    }

    @Test func anEmptyBodyIsAnEmptyMessage() throws {
        #expect(try codecBytes("codec.test.Scalars", "") == [])
        #expect(try codecBytes("codec.test.Scalars", " \n") == [])
    }

    // MARK: errors: kind, JSON path, byte offset

    private func error(_ type: String, _ json: String, strict: Bool = false) -> ProtobufTranscodeError? {
        codecError { try codecBytes(type, json, options: ProtobufTranscodeOptions(strict: strict)) }
    }

    @Test(arguments: [
        (#"{"fInt32":2147483648}"#, ProtobufTranscodeError.Kind.outOfRange, "$.fInt32", 10),
        (#"{"fInt32":-2147483649}"#, .outOfRange, "$.fInt32", 10),
        (#"{"fUint32":-1}"#, .outOfRange, "$.fUint32", 11),
        (#"{"fUint64":"18446744073709551616"}"#, .outOfRange, "$.fUint64", 11),
        (#"{"fInt64":9223372036854775808}"#, .outOfRange, "$.fInt64", 10),
        (#"{"fInt32":1.5}"#, .invalidValue, "$.fInt32", 10),
        (#"{"fInt32":" 1"}"#, .invalidValue, "$.fInt32", 10),
        (#"{"fInt32":true}"#, .wrongType, "$.fInt32", 10),
        (#"{"fFloat":1e39}"#, .outOfRange, "$.fFloat", 10),
        (#"{"fDouble":1e400}"#, .outOfRange, "$.fDouble", 11),
        (#"{"fDouble":"nan"}"#, .invalidValue, "$.fDouble", 11),
        (#"{"fBytes":"!!"}"#, .invalidValue, "$.fBytes", 10),
        (#"{"fBytes":"abcde"}"#, .invalidValue, "$.fBytes", 10),
        (#"{"fBool":"true"}"#, .wrongType, "$.fBool", 9),
        (#"{"fString":1}"#, .wrongType, "$.fString", 11),
        (#"{"fInt32":1,"f_int32":2}"#, .invalidValue, "$.fInt32", 12),
        (#"{"fInt32":}"#, .syntax, "$", 10),
    ])
    func scalarErrorsNameTheFieldAndOffset(json: String, kind: ProtobufTranscodeError.Kind, path: String, offset: Int) {
        let found = error("codec.test.Scalars", json)
        #expect(found?.kind == kind, "\(String(describing: found))")
        #expect(found?.path == path)
        #expect(found?.offset == offset)
    }

    @Test func unknownFieldsAndEnumNamesAreErrorsOnlyWhenStrict() {
        let unknown = error("codec.test.Scalars", #"{"nope":1}"#, strict: true)
        #expect(unknown?.kind == .unknownField && unknown?.path == "$.nope" && unknown?.offset == 1)
        let name = error("codec.test.Scalars", #"{"fColor":"PURPLE"}"#, strict: true)
        #expect(name?.kind == .invalidValue && name?.path == "$.fColor" && name?.offset == 10)
        let closed = error("codec.legacy.Legacy", #"{"id":1,"level":5}"#)
        #expect(closed?.kind == .invalidValue && closed?.path == "$.level")
    }

    @Test func nestedErrorsCarryTheWholePath() {
        let element = error("codec.test.Everything", #"{"repeateds":{"rInt32":[1,null]}}"#)
        #expect(element?.kind == .invalidValue && element?.path == "$.repeateds.rInt32[1]" && element?.offset == 26)
        let key = error("codec.test.Everything", #"{"maps":{"mInt32":{"x":"a"}}}"#)
        #expect(key?.kind == .outOfRange || key?.kind == .invalidValue)
        #expect(key?.path == #"$.maps.mInt32["x"]"#)
        let value = error("codec.test.Maps", #"{"mInt32":{"1":null}}"#)
        #expect(value?.path == #"$.mInt32["1"]"# && value?.kind == .invalidValue)
        let deep = error("codec.test.Nested", #"{"child":{"child":{"a":"x"}}}"#)
        #expect(deep?.path == "$.child.child.a" && deep?.offset == 23)
        let type = error("codec.test.Everything", #"{"scalars":5}"#)
        #expect(type?.kind == .wrongType && type?.path == "$.scalars")
    }

    @Test func twoMembersOfAOneofAreRejected() throws {
        let found = error("codec.test.Oneofs", #"{"cInt":1,"cString":"a"}"#)
        #expect(found?.kind == .oneofConflict && found?.path == "$.cString" && found?.offset == 10)
        #expect(try codecBytes("codec.test.Oneofs", #"{"cInt":1,"cString":null,"oBool":true}"#) == [0x08, 0x01, 0x30, 0x01])
        #expect(try codecBytes("codec.test.Oneofs", #"{"cInt":0}"#) == [0x08, 0x00])  // a oneof member has presence
    }

    @Test func missingRequiredFieldsAreNamed() {
        let top = error("codec.legacy.Legacy", "{}")
        #expect(top?.kind == .missingRequired && top?.path == "$.id" && top?.offset == 0)
        let nested = error("codec.test.Everything", #"{"legacy":{"id":1,"child":{}}}"#)
        #expect(nested?.kind == .missingRequired && nested?.path == "$.legacy.child.label" && nested?.offset == 26)
    }

    @Test func nestingBeyondTheLimitIsRejected() {
        let json = String(repeating: #"{"child":"#, count: 150) + "{}" + String(repeating: "}", count: 150)
        #expect(error("codec.test.Nested", json)?.kind == .tooDeep)
    }
}

extension JSONToProtobufTests {
    @Test func aMapKeyGivenTwiceIsRejectedInAnySpelling() throws {
        let spelled = codecError { try codecBytes("codec.test.Maps", #"{"mInt32":{"1":"a","01":"b"}}"#) }
        #expect(spelled?.kind == .invalidValue && spelled?.path == #"$.mInt32["01"]"# && spelled?.offset == 19)
        let escaped = codecError { try codecBytes("codec.test.Maps", #"{"mString":{"a":{},"\u0061":{}}}"#) }
        #expect(escaped?.kind == .invalidValue)
        #expect(codecError { try codecBytes("codec.test.Maps", #"{"mBool":{"true":"x","true":"y"}}"#) }?.kind == .invalidValue)
        let structure = codecError { try codecBytes("codec.test.WellKnown", #"{"st":{"a":1,"a":2}}"#) }
        #expect(structure?.kind == .invalidValue && structure?.path == #"$.st["a"]"#)
        // Nested objects keep their own keys; large maps switch to a set and still find repeats.
        #expect(try codecBytes("codec.test.WellKnown", #"{"st":{"a":{"a":1},"b":{"a":{"a":2}}},"val":{"a":{"a":3}}}"#).count > 0)
        let many = (0..<40).map { #""k\#($0)":{}"# }.joined(separator: ",")
        #expect(try codecBytes("codec.test.Maps", #"{"mString":{\#(many)}}"#).count > 0)
        let repeated = codecError { try codecBytes("codec.test.Maps", #"{"mString":{\#(many),"k3":{}}}"#) }
        #expect(repeated?.kind == .invalidValue && repeated?.path == #"$.mString["k3"]"#)
        let numbers = (0..<40).map { #""\#($0)":"x""# }.joined(separator: ",")
        #expect(codecError { try codecBytes("codec.test.Maps", #"{"mInt32":{\#(numbers),"1e1":"y"}}"#) }?.kind == .invalidValue)
    }
}
