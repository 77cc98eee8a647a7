import NIOCore
import SluiceThrift
import Testing

@Suite("Transcode round trips")
struct TranscodeRoundTripTests {
    static let protocols = ThriftProtocolKind.allCases

    @Test(
        "every type goes JSON -> Thrift -> the same JSON",
        arguments: protocols,
        [
            #"{"b":true,"byte":-128,"short":32767,"int":-2147483648,"long":9223372036854775807,"dbl":1.5}"#,
            #"{"b":false,"byte":127,"short":-32768,"int":2147483647,"long":-9223372036854775808,"dbl":-0.0}"#,
            #"{"str":"héllo \"world\"\n😀","bin":"AAEC/w==","uuid":"00112233-4455-6677-8899-aabbccddeeff"}"#,
            #"{"color":4,"ints":[1,-2,3],"tags":["a","b"],"counts":{"x":1,"y":-1},"names":{"-5":"minus five","7":"seven"}}"#,
            #"{"flags":{"1":true,"2":false},"byItem":[[{"id":1,"name":"one"},"first"],[{"id":2},"second"]]}"#,
            #"{"item":{"id":1,"name":"x"},"items":[{"id":1},{"id":2,"name":""}],"choice":{"text":"t"}}"#,
            #"{"nested":{"9007199254740993":[{"id":5}],"-1":[]},"matrix":[[1,2],[],[3]],"weights":{"0.5":1,"NaN":2}}"#,
            #"{"bools":[true,false,true],"pairs":[[true,"00000000-0000-0000-0000-000000000001"]],"negative":-3,"far":300}"#,
            #"{"dbl":"NaN"}"#, #"{"dbl":"Infinity"}"#, #"{"dbl":"-Infinity"}"#, #"{"dbl":1e-05}"#, "{}",
            #"{"ints":[0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19]}"#,
        ])
    func roundTrips(_ kind: ThriftProtocolKind, json: String) throws {
        #expect(try roundTrip(json, TestSchema.allTypes, kind) == json)
    }

    @Test("accepts alternative spellings and writes them canonically", arguments: protocols)
    func normalises(_ kind: ThriftProtocolKind) throws {
        let cases: [(String, String)] = [
            (#"{ "long" : "-42" , "int" : 1.0e2 }"#, #"{"long":-42,"int":100}"#),
            (#"{"color":"BLUE","flags":{"GREEN":true}}"#, #"{"color":4,"flags":{"2":true}}"#),
            (#"{"bin":"AAEC_w"}"#, #"{"bin":"AAEC/w=="}"#),
            (#"{"uuid":"00112233-4455-6677-8899-AABBCCDDEEFF"}"#, #"{"uuid":"00112233-4455-6677-8899-aabbccddeeff"}"#),
            (#"{"str":"\ud83d\ude00\u00e9\/"}"#, #"{"str":"😀é/"}"#),
            (#"{"str":null,"item":null,"b":true}"#, #"{"b":true}"#),
            (#"{"dbl":100}"#, #"{"dbl":100.0}"#),
            (#"{"b\u0079te":1,"\u0073tr":"s"}"#, #"{"byte":1,"str":"s"}"#),
            (#"{"unknown":{"deep":[1,{"x":null}]},"b":true}"#, #"{"b":true}"#),
        ]
        for (input, output) in cases {
            #expect(try roundTrip(input, TestSchema.allTypes, kind) == output)
        }
    }

    @Test("writes large i64 as strings and enums as names when asked", arguments: protocols)
    func outputOptions(_ kind: ThriftProtocolKind) throws {
        let options = TranscodeOptions(int64AsString: true, enumsAsNames: true)
        let json = #"{"long":9007199254740993,"color":2,"flags":{"4":true,"3":false},"nested":{"-9007199254740993":[]}}"#
        #expect(
            try roundTrip(json, TestSchema.allTypes, kind, options: options)
                == #"{"long":"9007199254740993","color":"GREEN","flags":{"BLUE":true,"3":false},"nested":{"-9007199254740993":[]}}"#)
        #expect(try roundTrip(#"{"long":9007199254740992}"#, TestSchema.allTypes, kind, options: options) == #"{"long":9007199254740992}"#)
        #expect(try roundTrip(#"{"color":3}"#, TestSchema.allTypes, kind, options: options) == #"{"color":3}"#)
    }

    @Test("writes IDL defaults for absent non-optional fields", arguments: protocols)
    func defaults(_ kind: ThriftProtocolKind) throws {
        #expect(
            try roundTrip("{}", TestSchema.defaults, kind)
                == #"{"n":7,"s":"x","l":[1,2],"m":{"a":1.0},"it":{"id":3},"c":2,"b":true}"#)
        #expect(
            try roundTrip(#"{"n":1,"b":false,"o":2}"#, TestSchema.defaults, kind)
                == #"{"n":1,"b":false,"o":2,"s":"x","l":[1,2],"m":{"a":1.0},"it":{"id":3},"c":2}"#)
    }

    @Test("tracks more than 64 fields", arguments: protocols)
    func wideStructs(_ kind: ThriftProtocolKind) throws {
        let json = "{" + (0..<70).map { "\"f\($0)\":\($0)" }.joined(separator: ",") + "}"
        #expect(try roundTrip(json, TestSchema.wide, kind) == json)
        let missing = transcodeError { _ = try encode(#"{"f0":1,"f68":2}"#, TestSchema.wide, kind) }
        #expect(missing?.kind == .missingRequired)
        #expect(missing?.path == "$.f69")
    }
}
