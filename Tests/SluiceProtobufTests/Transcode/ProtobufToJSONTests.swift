import Testing

@testable import SluiceProtobuf

/// Binary -> JSON: representations, options, what protobuf allows a writer to do, and malformed input.
@Suite(.enabled(if: CodecFixture.canRun, "needs protoc (required on CI)"))
struct ProtobufToJSONTests {
    @Test(arguments: [
        ([0x18, 0x96, 0x01] as [UInt8], #"{"fInt32":150}"#),
        ([0x18, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01], #"{"fInt32":-1}"#),
        ([0x20, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F], #"{"fInt64":"9223372036854775807"}"#),
        ([0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01], #"{"fUint64":"18446744073709551615"}"#),
        ([0x38, 0x03], #"{"fSint32":-2}"#),
        ([0x51, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], #"{"fFixed64":"18446744073709551615"}"#),
        ([0x15, 0xCD, 0xCC, 0xCC, 0x3D], #"{"fFloat":0.1}"#),
        ([0x15, 0x00, 0x00, 0xC0, 0x7F], #"{"fFloat":"NaN"}"#),
        ([0x09, 0, 0, 0, 0, 0, 0, 0xF0, 0x7F], #"{"fDouble":"Infinity"}"#),
        ([0x09, 0x9A, 0x99, 0x99, 0x99, 0x99, 0x99, 0xB9, 0x3F], #"{"fDouble":0.1}"#),
        ([0x7A, 0x02, 0xFB, 0xFF], #"{"fBytes":"+/8="}"#),
        ([0x72, 0x02, 0x22, 0x0A], #"{"fString":"\"\n"}"#),
        ([0x80, 0x01, 0x7D], #"{"fColor":125}"#),
        ([0x80, 0x01, 0xFD, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01], #"{"fColor":"BLUE"}"#),
        ([0x18, 0x00, 0x72, 0x00, 0x80, 0x01, 0x00], "{}"),
        // Unknown fields, and known numbers with another wire type, are skipped.
        ([0xA0, 0x06, 0x01, 0x1D, 1, 2, 3, 4, 0x18, 0x02, 0xAA, 0x06, 0x01, 0x00], #"{"fInt32":2}"#),
        // A singular field given twice: the last wins.
        ([0x18, 0x01, 0x72, 0x01, 0x61, 0x18, 0x02], #"{"fInt32":2,"fString":"a"}"#),
    ])
    func scalarsAreWrittenInTheCanonicalMapping(bytes: [UInt8], json: String) throws {
        #expect(try codecJSON("codec.test.Scalars", bytes) == json)
    }

    @Test func optionsChooseNamesEnumsAndDefaults() throws {
        let bytes: [UInt8] = [0x18, 0x01, 0x80, 0x01, 0x02]
        #expect(try codecJSON("codec.test.Scalars", bytes, options: .init(preserveProtoFieldNames: true))
            == #"{"f_int32":1,"f_color":"GREEN"}"#)
        #expect(try codecJSON("codec.test.Scalars", bytes, options: .init(enumsAsInts: true)) == #"{"fInt32":1,"fColor":2}"#)
        #expect(try codecJSON("codec.test.Scalars", [], options: .init(emitDefaults: true))
            == #"{"fDouble":0.0,"fFloat":0.0,"fInt32":0,"fInt64":"0","fUint32":0,"fUint64":"0","fSint32":0,"fSint64":"0","#
            + #""fFixed32":0,"fFixed64":"0","fSfixed32":0,"fSfixed64":"0","fBool":false,"fString":"","fBytes":"","#
            + #""fColor":"COLOR_UNSPECIFIED"}"#)
        #expect(try codecJSON("codec.test.Scalars", [0x18, 0x00], options: .init(emitDefaults: true)).hasPrefix(#"{"fInt32":0,"#))
        // Fields with presence are written only when set, defaults or not.
        #expect(try codecJSON("codec.test.Optionals", [], options: .init(emitDefaults: true)) == "{}")
        #expect(try codecJSON("codec.test.Optionals", [0x08, 0x00]) == #"{"oInt32":0}"#)
        #expect(try codecJSON("codec.test.Oneofs", [], options: .init(emitDefaults: true)) == #"{"plain":0}"#)
        #expect(try codecJSON("codec.test.Maps", [], options: .init(emitDefaults: true, preserveProtoFieldNames: true))
            .hasPrefix(#"{"m_int32":{},"m_int64":{}"#))
        #expect(try codecJSON("codec.legacy.Legacy", [0x08, 0x01], options: .init(emitDefaults: true)) == #"{"id":1,"plain":[],"packed":[],"levels":[]}"#)
    }

    @Test func repeatedFieldsArePackedOrNotAndMayBeInterleaved() throws {
        // r_int32 (3) unpacked, r_unpacked (17) packed: both read.
        #expect(try codecJSON("codec.test.Repeateds", [0x18, 0x01, 0x18, 0x02, 0x8A, 0x01, 0x02, 0x05, 0x06])
            == #"{"rInt32":[1,2],"rUnpacked":[5,6]}"#)
        #expect(try codecJSON("codec.test.Repeateds", [0x1A, 0x02, 0x01, 0x02, 0x18, 0x03]) == #"{"rInt32":[1,2,3]}"#)
        #expect(try codecJSON("codec.test.Repeateds", [0x1A, 0x00]) == "{}")
        // Interleaved with another field: still one array each.
        #expect(try codecJSON("codec.test.Repeateds", [0x18, 0x01, 0x68, 0x01, 0x18, 0x02]) == #"{"rInt32":[1,2],"rBool":[true]}"#)
        // A closed enum's unknown numbers are unknown fields, not values.
        #expect(try codecJSON("codec.legacy.Legacy", [0x08, 0x01, 0x38, 0x09, 0x68, 0x09, 0x68, 0x01]) == #"{"id":1,"levels":["LOW"]}"#)
        #expect(try codecJSON("codec.legacy.Legacy", [0x08, 0x01, 0x68, 0x09]) == #"{"id":1}"#)
    }

    @Test func messagesMergeAndOneofsKeepTheLastMember() throws {
        // `nested` (7) given twice merges; `scalars` (1) between them.
        let bytes: [UInt8] = [0x3A, 0x02, 0x08, 0x01, 0x0A, 0x02, 0x18, 0x05, 0x3A, 0x03, 0x12, 0x01, 0x61]
        #expect(try codecJSON("codec.test.Everything", bytes) == #"{"scalars":{"fInt32":5},"nested":{"a":1,"b":"a"}}"#)
        #expect(try codecJSON("codec.test.Oneofs", [0x08, 0x05, 0x12, 0x01, 0x61]) == #"{"cString":"a"}"#)
        #expect(try codecJSON("codec.test.Oneofs", [0x12, 0x01, 0x61, 0x08, 0x05]) == #"{"cInt":5}"#)
        // Map entries: value before key, key given twice (the last wins), value missing (its default).
        #expect(try codecJSON("codec.test.Maps", [0x0A, 0x07, 0x12, 0x01, 0x78, 0x08, 0x01, 0x08, 0x02, 0x0A, 0x02, 0x08, 0x03])
            == #"{"mInt32":{"2":"x","3":""}}"#)
        #expect(try codecJSON("codec.test.Maps", [0x62, 0x03, 0x0A, 0x01, 0x6B]) == #"{"mString":{"k":{}}}"#)
    }

    @Test func groupsAreRead() throws {
        #expect(try codecJSON("codec.legacy.Legacy", [0x08, 0x01, 0x53, 0x58, 0x05, 0xA0, 0x06, 0x01, 0x54]) == #"{"id":1,"item":{"x":5}}"#)
        let unterminated = codecError { try codecJSON("codec.legacy.Legacy", [0x53, 0x58, 0x05]) }
        #expect(unterminated?.kind == .malformedProtobuf && unterminated?.path == "$.item")
    }

    @Test(arguments: [
        ([0x18, 0x80] as [UInt8], "$.fInt32", 1),
        ([0x18, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01], "$.fInt32", 1),
        ([0x72, 0x05, 0x61], "$.fString", 1),
        ([0x72, 0x01, 0xFF], "$.fString", 2),
        ([0x09, 0x01, 0x02], "$.fDouble", 1),
        ([0x1E], "$", 0),
        ([0x00], "$", 0),
        ([0x1C], "$.fInt32", 1),
        ([0x0F], "$", 0),
    ])
    func malformedBytesNameTheField(bytes: [UInt8], path: String, offset: Int) {
        let found = codecError { try codecJSON("codec.test.Scalars", bytes) }
        #expect(found?.kind == .malformedProtobuf, "\(String(describing: found))")
        #expect(found?.path == path)
        #expect(found?.offset == offset)
    }

    @Test func nestedMalformedBytesCarryTheFieldPath() {
        let found = codecError { try codecJSON("codec.test.Everything", [0x3A, 0x04, 0x1A, 0x02, 0x08, 0x80]) }
        #expect(found?.kind == .malformedProtobuf && found?.path == "$.nested.child.a")
        let length = codecError { try codecJSON("codec.test.Everything", [0x3A, 0x05, 0x08]) }
        #expect(length?.kind == .malformedProtobuf && length?.path == "$.nested" && length?.offset == 1)
    }

    @Test func deepNestingIsRefusedNotRecursedInto() {
        var bytes: [UInt8] = []
        for _ in 0..<200 {
            var length = bytes.count
            var prefix: [UInt8] = [0x1A]
            while length >= 0x80 {
                prefix.append(UInt8(length & 0x7F) | 0x80)
                length >>= 7
            }
            prefix.append(UInt8(length))
            bytes = prefix + bytes
        }
        let found = codecError { try codecJSON("codec.test.Nested", bytes) }
        #expect(found?.kind == .tooDeep)
        #expect(codecError { try codecJSON("codec.test.Nested", bytes, options: .init(maxDepth: 300)) } == nil)
    }

    @Test func garbageNeverCrashesOrHangs() {
        var generator = CodecRandom(seed: 12)
        var outcomes = (ok: 0, failed: 0)
        for _ in 0..<5000 {
            let count = Int.random(in: 0..<64, using: &generator)
            let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
            do {
                _ = try codecJSON("codec.test.Everything", bytes)
                outcomes.ok += 1
            } catch is ProtobufTranscodeError {
                outcomes.failed += 1
            } catch {
                Issue.record("unexpected \(error)")
            }
        }
        #expect(outcomes.ok + outcomes.failed == 5000 && outcomes.failed > 0)
    }
}

/// A small deterministic generator (SplitMix64), so a failing input can be found again.
struct CodecRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension ProtobufToJSONTests {
    @Test func errorsInRewrittenMessagesHaveNoOffset() {
        // `a` given twice sends `nested` through the rewrite; its `b` is not UTF-8.
        let found = codecError { try codecJSON("codec.test.Nested", [0x08, 0x01, 0x08, 0x02, 0x12, 0x01, 0xFF]) }
        #expect(found?.kind == .malformedProtobuf && found?.path == "$.b" && found?.offset == nil)
        let direct = codecError { try codecJSON("codec.test.Nested", [0x08, 0x01, 0x12, 0x01, 0xFF]) }
        #expect(direct?.offset == 4)
    }
}

extension ProtobufToJSONTests {
    @Test func proto2RequiredFieldsMustBeThere() throws {
        let top = codecError { try codecJSON("codec.legacy.Legacy", [0x7A, 0x00]) }
        #expect(top?.kind == .missingRequired && top?.path == "$.id" && top?.offset == 0)
        // `legacy` holds an empty `child`, whose `label` is required.
        let nested = codecError { try codecJSON("codec.test.Everything", [0x4A, 0x05, 0x08, 0x01, 0x82, 0x01, 0x00]) }
        #expect(nested?.kind == .missingRequired && nested?.path == "$.legacy.child.label" && nested?.offset == 7)
        #expect(try codecJSON("codec.legacy.Legacy", [0x08, 0x00]) == #"{"id":0}"#)
    }
}

extension ProtobufToJSONTests {
    @Test func aMapKeyGivenTwiceKeepsTheLastEntry() throws {
        let entry: ([UInt8], UInt8) -> [UInt8] = { key, value in [0x0A, UInt8(key.count + 3)] + key + [0x12, 0x01, value] }
        let one: [UInt8] = [0x08, 0x01]
        #expect(try codecJSON("codec.test.Maps", entry(one, 0x61) + entry(one, 0x62)) == #"{"mInt32":{"1":"b"}}"#)
        // -1 as a ten-byte and as a five-byte varint is one int32 key.
        let long: [UInt8] = [0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]
        let short: [UInt8] = [0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F]
        #expect(try codecJSON("codec.test.Maps", entry(long, 0x61) + entry(one, 0x63) + entry(short, 0x62))
            == #"{"mInt32":{"1":"c","-1":"b"}}"#)
        // Past the short list of keys compared one by one.
        var many: [UInt8] = []
        for key in 0..<30 { many += entry([0x08, UInt8(key)], 0x61) }
        many += entry([0x08, 0x03], 0x7A)
        let json = try codecJSON("codec.test.Maps", many)
        #expect(json.contains(#""3":"z""#) && !json.contains(#""3":"a""#))
        // Struct is a map too.
        let structure: [UInt8] = [0x0A, 0x07, 0x0A, 0x01, 0x6B, 0x12, 0x02, 0x20, 0x01,
                                  0x0A, 0x07, 0x0A, 0x01, 0x6B, 0x12, 0x02, 0x20, 0x00]
        #expect(try codecJSON("google.protobuf.Struct", structure) == #"{"k":false}"#)
    }
}

extension ProtobufToJSONTests {
    /// `levels` messages, each with `a` given twice (so each is rewritten) around the next, a 1 MiB `b` inside.
    private func outOfOrderChain(levels: Int) -> [UInt8] {
        func varint(_ value: Int) -> [UInt8] {
            var value = value
            var bytes: [UInt8] = []
            while value >= 0x80 {
                bytes.append(UInt8(value & 0x7F) | 0x80)
                value >>= 7
            }
            return bytes + [UInt8(value)]
        }
        var message: [UInt8] = [0x12] + varint(1 << 20) + [UInt8](repeating: 0x61, count: 1 << 20)
        for _ in 0..<levels { message = [0x08, 0x01, 0x08, 0x02, 0x1A] + varint(message.count) + message }
        return message
    }

    @Test func rewritingOutOfOrderMessagesHoldsBoundedMemory() throws {
        #expect(try codecJSON("codec.test.Nested", outOfOrderChain(levels: 3)).count > 1 << 20)
        let found = codecError { try codecJSON("codec.test.Nested", outOfOrderChain(levels: 20)) }
        #expect(found?.kind == .tooDeep)
    }
}
