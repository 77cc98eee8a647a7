import SwiftProtobuf
import Testing

@testable import SluiceProtobuf

/// The well-known types' own JSON forms, both ways, with their ranges; binary made by SwiftProtobuf.
@Suite(.enabled(if: CodecFixture.canRun, "needs protoc (required on CI)"))
struct WellKnownTypeTests {
    private func timestampJSON(_ seconds: Int64, _ nanos: Int32) throws -> String {
        let bytes: [UInt8] = try Google_Protobuf_Timestamp(seconds: seconds, nanos: nanos).serializedBytes()
        return try codecJSON("google.protobuf.Timestamp", bytes)
    }

    private func durationJSON(_ seconds: Int64, _ nanos: Int32) throws -> String {
        let bytes: [UInt8] = try Google_Protobuf_Duration(seconds: seconds, nanos: nanos).serializedBytes()
        return try codecJSON("google.protobuf.Duration", bytes)
    }

    @Test func timestampsAreRFC3339InUTCWithThreeSixOrNineDigits() throws {
        #expect(try timestampJSON(0, 0) == #""1970-01-01T00:00:00Z""#)
        #expect(try timestampJSON(63_108_020, 21_000_000) == #""1972-01-01T10:00:20.021Z""#)
        #expect(try timestampJSON(0, 1000) == #""1970-01-01T00:00:00.000001Z""#)
        #expect(try timestampJSON(-1, 1) == #""1969-12-31T23:59:59.000000001Z""#)
        #expect(try timestampJSON(-62_135_596_800, 0) == #""0001-01-01T00:00:00Z""#)
        #expect(try timestampJSON(253_402_300_799, 999_999_999) == #""9999-12-31T23:59:59.999999999Z""#)
        #expect(try timestampJSON(951_782_400, 0) == #""2000-02-29T00:00:00Z""#)
        for (seconds, nanos) in [(Int64(253_402_300_800), Int32(0)), (-62_135_596_801, 0), (0, -1), (0, 1_000_000_000)] {
            #expect(codecError { try timestampJSON(seconds, nanos) }?.kind == .outOfRange)
        }
    }

    @Test func timestampsAreReadWithOffsets() throws {
        func read(_ text: String) throws -> Google_Protobuf_Timestamp {
            try Google_Protobuf_Timestamp(serializedBytes: try codecBytes("google.protobuf.Timestamp", "\"\(text)\""))
        }
        #expect(try read("1972-01-01T10:00:20.021Z") == Google_Protobuf_Timestamp(seconds: 63_108_020, nanos: 21_000_000))
        #expect(try read("2020-01-01T01:00:00+01:00") == Google_Protobuf_Timestamp(seconds: 1_577_836_800, nanos: 0))
        #expect(try read("2019-12-31t19:30:00.5-04:30")
            == Google_Protobuf_Timestamp(seconds: 1_577_836_800, nanos: 500_000_000))
        #expect(try read("1970-01-01T00:00:00Z") == Google_Protobuf_Timestamp())
        for bad in ["0000-01-01T00:00:00Z", "10000-01-01T00:00:00Z", "2021-02-29T00:00:00Z", "2020-01-01T00:00:00",
                    "2020-01-01T24:00:00Z", "2020-01-01T00:00:00.1234567890Z", "2020-01-01T00:00:00.Z", "2020-01-01 00:00:00Z",
                    "9999-12-31T23:59:59-01:00"] {
            let found = codecError { try codecBytes("codec.test.WellKnown", #"{"ts":"\#(bad)"}"#) }
            #expect(found?.kind == .invalidValue && found?.path == "$.ts" && found?.offset == 6, "\(bad)")
        }
    }

    @Test func durationsAreSecondsWithAnS() throws {
        #expect(try durationJSON(1, 500_000_000) == #""1.500s""#)
        #expect(try durationJSON(-1, -500_000_000) == #""-1.500s""#)
        #expect(try durationJSON(0, -1) == #""-0.000000001s""#)
        #expect(try durationJSON(315_576_000_000, 0) == #""315576000000s""#)
        #expect(try durationJSON(0, 0) == #""0s""#)
        for (seconds, nanos) in [(Int64(315_576_000_001), Int32(0)), (1, -1), (-1, 1), (0, 1_000_000_000)] {
            #expect(codecError { try durationJSON(seconds, nanos) }?.kind == .outOfRange)
        }
        func read(_ text: String) throws -> Google_Protobuf_Duration {
            try Google_Protobuf_Duration(serializedBytes: try codecBytes("google.protobuf.Duration", "\"\(text)\""))
        }
        #expect(try read("1.5s") == Google_Protobuf_Duration(seconds: 1, nanos: 500_000_000))
        #expect(try read("-0.5s") == Google_Protobuf_Duration(seconds: 0, nanos: -500_000_000))
        #expect(try read("-315576000000s") == Google_Protobuf_Duration(seconds: -315_576_000_000, nanos: 0))
        for bad in ["1", "1.s", "1.0000000001s", "315576000001s", "+1s", "1.5 s", "s"] {
            #expect(codecError { try read(bad) }?.kind == .invalidValue, "\(bad)")
        }
    }

    @Test func wrappersAreBareValues() throws {
        let json = #"{"wDouble":"NaN","wFloat":1.5,"wInt64":"7","wUint64":"0","wInt32":5,"wUint32":4294967295,"wBool":false,"wString":"x","wBytes":"AA=="}"#
        #expect(try codecJSON("codec.test.WellKnown", try codecBytes("codec.test.WellKnown", json)) == json)
        // A wrapper set to its default is still set: an empty message, not an absent field.
        #expect(try codecBytes("codec.test.WellKnown", #"{"wInt32":0}"#) == [0x6A, 0x00])
        #expect(try codecBytes("codec.test.WellKnown", #"{"wInt32":null}"#) == [])
        #expect(try codecJSON("codec.test.WellKnown", try codecBytes("codec.test.WellKnown", #"{"wList":[1,0]}"#))
            == #"{"wList":[1,0]}"#)
    }

    @Test func structValueAndListValueAreAnyJSON() throws {
        let json = #"{"st":{"a":[1.5,"x",null,true,{"b":{}}],"c":{}},"val":null,"lv":[[],{}],"values":[null,2.0,"s"]}"#
        #expect(try codecJSON("codec.test.WellKnown", try codecBytes("codec.test.WellKnown", json)) == json)
        #expect(try codecJSON("codec.test.WellKnown", try codecBytes("codec.test.WellKnown", #"{"val":{"a":"b"}}"#))
            == #"{"val":{"a":"b"}}"#)
        let infinite = codecError {
            try codecJSON("google.protobuf.Value", try Google_Protobuf_Value(numberValue: .infinity).serializedBytes())
        }
        #expect(infinite?.kind == .invalidValue)
        #expect(try codecJSON("google.protobuf.Value", []) == "null")
        // NullValue fields: null is their value.
        #expect(try codecJSON("codec.test.WellKnown", try codecBytes("codec.test.WellKnown", #"{"nullValue":null}"#),
                                 options: .init(emitDefaults: true)).contains(#""nullValue":null"#))
    }

    @Test func fieldMasksAreCamelCasePaths() throws {
        let bytes = try codecBytes("codec.test.WellKnown", #"{"fm":"fooBar.baz,qux"}"#)
        let mask = try Google_Protobuf_FieldMask(serializedBytes: Array(bytes.dropFirst(2)))
        #expect(mask.paths == ["foo_bar.baz", "qux"])
        #expect(try codecJSON("codec.test.WellKnown", bytes) == #"{"fm":"fooBar.baz,qux"}"#)
        #expect(try codecBytes("codec.test.WellKnown", #"{"fm":""}"#) == [0x32, 0x00])
        #expect(codecError { try codecBytes("codec.test.WellKnown", #"{"fm":"foo_bar"}"#) }?.kind == .invalidValue)
        let upper: [UInt8] = try Google_Protobuf_FieldMask(protoPaths: ["Foo"]).serializedBytes()
        #expect(codecError { try codecJSON("google.protobuf.FieldMask", upper) }?.kind == .invalidValue)
        let trailing: [UInt8] = try Google_Protobuf_FieldMask(protoPaths: ["foo_"]).serializedBytes()
        #expect(codecError { try codecJSON("google.protobuf.FieldMask", trailing) }?.kind == .invalidValue)
    }

    @Test func anyNamesItsTypeAndHoldsItsFields() throws {
        let nested = #"{"any":{"@type":"type.googleapis.com/codec.test.Nested","a":1,"child":{"b":"x"}}}"#
        #expect(try codecJSON("codec.test.WellKnown", try codecBytes("codec.test.WellKnown", nested)) == nested)
        // `@type` may come last.
        let late = #"{"any":{"a":1,"@type":"type.googleapis.com/codec.test.Nested"}}"#
        #expect(try codecJSON("codec.test.WellKnown", try codecBytes("codec.test.WellKnown", late))
            == #"{"any":{"@type":"type.googleapis.com/codec.test.Nested","a":1}}"#)
        // A well-known type with a JSON form of its own goes in "value" (Empty has none); an Any may hold an Any.
        let wellKnown = #"{"anyList":[{"@type":"type.googleapis.com/google.protobuf.Duration","value":"1.500s"},"#
            + #"{"@type":"type.googleapis.com/google.protobuf.Any","value":{"@type":"type.googleapis.com/google.protobuf.Empty"}},"#
            + #"{"@type":"type.googleapis.com/google.protobuf.Struct","value":{"k":[1.0]}},{}]}"#
        let got = try codecJSON("codec.test.WellKnown", try codecBytes("codec.test.WellKnown", wellKnown))
        #expect(got == wellKnown, "\(got)")
        let bytes = try codecBytes("codec.test.WellKnown", nested)
        let any = try Google_Protobuf_Any(serializedBytes: Array(bytes.dropFirst(2)))
        #expect(any.typeURL == "type.googleapis.com/codec.test.Nested")
        #expect(Array(any.value) == [0x08, 0x01, 0x1A, 0x03, 0x12, 0x01, 0x78])
    }

    @Test func anyErrorsNameTheProblem() {
        let unknown = codecError { try codecBytes("codec.test.WellKnown", #"{"any":{"@type":"x/no.Such"}}"#) }
        #expect(unknown?.kind == .invalidValue && unknown?.path == "$.any.@type" && unknown?.offset == 16)
        let missing = codecError { try codecBytes("codec.test.WellKnown", #"{"any":{"a":1}}"#) }
        #expect(missing?.kind == .invalidValue && missing?.path == "$.any" && missing?.offset == 7)
        let notString = codecError { try codecBytes("codec.test.WellKnown", #"{"any":{"@type":1}}"#) }
        #expect(notString?.kind == .wrongType && notString?.path == "$.any.@type")
        let strict = codecError {
            try codecBytes("codec.test.WellKnown", #"{"any":{"@type":"t/google.protobuf.Duration","value":"1s","x":1}}"#,
                              options: .init(strict: true))
        }
        #expect(strict?.kind == .unknownField && strict?.path == "$.any.x")
        var bytes: [UInt8] = [0x3A, 0x0B, 0x0A, 0x09]
        bytes += Array("x/no.Such".utf8)
        let unloaded = codecError { try codecJSON("codec.test.WellKnown", bytes) }
        #expect(unloaded?.kind == .invalidValue && unloaded?.path == "$.any")
    }
}
