import Foundation
import SwiftProtobuf
import Testing

@testable import SluiceProtobuf

/// Syntax errors name `file:line:column` and what was expected.
@Suite struct ProtoSyntaxErrorTests {
    @Test(arguments: [
        ("syntax = \"proto3\";\nmessage M {\n  int32 a = 1\n}", "main.proto:4:1: expected ';' after field 'a' but found '}'"),
        ("syntax = \"proto4\";", "main.proto:1:10: unrecognized syntax identifier \"proto4\": this parser recognizes \"proto2\" and \"proto3\""),
        ("edition = \"2099\";", "main.proto:1:11: unknown edition \"2099\" (supported: \"2023\")"),
        ("message M {\n  optional string s = 1 [default = \"abc\n", "main.proto:2:36: unterminated string: expected \" to close it"),
        ("/* open\nmessage M {}", "main.proto:1:1: unterminated comment: expected '*/' to close it"),
        ("message M { optional int32 a = 1; } \u{1}", "main.proto:1:37: unexpected character byte 0x01"),
        ("message M { optional int32 a = 99999999999; }", "main.proto:1:32: field number out of range: 99999999999"),
        ("message M { int32 a = 1; }", "main.proto:1:13: expected \"required\", \"optional\", or \"repeated\" but found 'int32'"),
        ("syntax = \"proto3\";\nmessage M { required int32 a = 1; }", "main.proto:2:13: required fields are not allowed in proto3"),
        ("syntax = \"proto3\";\nmessage M { repeated group G = 1 {} }", "main.proto:2:22: groups are not supported in proto3"),
        ("syntax = \"proto3\";\nmessage M { int32 a = 1 [default = 2]; }", "main.proto:2:26: explicit default values are not allowed in proto3"),
        ("message M { repeated map<string, int32> m = 1; }", "main.proto:1:22: field labels (required/optional/repeated) are not allowed on map fields"),
        ("message M { optional group lower = 1 {} }", "main.proto:1:28: a group's name must start with a capital letter"),
        ("message M { optional int32 a = 1 [default = 3000000000]; }", "main.proto:1:45: default value out of range for field 'a'"),
        ("message M { optional bool a = 1 [default = yes]; }", "main.proto:1:44: expected true or false but found 'yes'"),
        ("package a;\npackage b;", "main.proto:2:1: multiple package definitions"),
        ("enum E { A = 0 }", "main.proto:1:16: expected ';' after enum value 'A' but found '}'"),
        ("service S { rpc M(A) returns B; }", "main.proto:1:30: expected '(' before the response type of 'M' but found 'B'"),
        ("message M {", "main.proto:1:12: expected '}' to close message 'M' but found end of file"),
        ("foo bar;", "main.proto:1:1: expected a top-level statement (message, enum, service, extend, import, package, option) but found 'foo'"),
        ("option java_package = ;", "main.proto:1:23: expected an option value but found ';'"),
        ("message M { optional string s = 1 [(x) = { a: 1 ]; }", "main.proto:1:49: expected a field name but found ']'"),
        ("syntax = \"proto2\";\nmessage M { reserved foo; }", "main.proto:2:22: reserved names must be string literals before editions (write \"'foo'\")"),
        ("message M { optional string s = 1 [default = \"\\q\"]; }", "main.proto:1:47: invalid escape sequence in string literal"),
        ("message M { optional int32 a = 0x; }", "main.proto:1:32: expected hex digits after '0x'"),
        ("message M { optional int32 a = 09; }", "main.proto:1:32: invalid octal number '09'"),
        ("message M { optional int32 a = 1abc; }", "main.proto:1:32: need space between number and identifier"),
        ("message M { oneof o { optional int32 a = 1; } }", "main.proto:1:23: fields in oneofs must not have labels (required / optional / repeated)"),
        ("edition = \"2023\";\nmessage M { optional int32 a = 1; }", "main.proto:2:13: label 'optional' is not supported in editions: use features.field_presence"),
        ("edition = \"2023\";\nmessage M { group G = 1 {} }", "main.proto:2:13: groups are not supported in editions: use a message field with features.message_encoding = DELIMITED"),
        ("syntax = \"proto3\";\nmessage M { map<string, map<string, int32>> m = 1; }", "main.proto:2:25: map fields cannot be map keys or values"),
        ("message M { extensions 1 to 5; }\nextend M { optional int32 x = 1 [json_name = \"y\"]; }", "main.proto:2:34: option json_name is not allowed on extension fields"),
        ("message M { optional int32 a = 1 [json_name = \"x\", json_name = \"y\"]; }", "main.proto:1:52: option json_name already set for field 'a'"),
        ("message M { optional int32 a = 1 [default = 1, default = 2]; }", "main.proto:1:48: default value already set for field 'a'"),
        ("import \"google/protobuf/descriptor.proto\";\noption (x) = { [type.googleapis.com/a.B] { } };", "main.proto:2:36: Any values written as [type.url/Name] are not supported in options"),
        ("option (x) = { a 1 };", "main.proto:1:18: expected ':' after field 'a' but found '1'"),
        ("package .a;", "main.proto:1:1: a package name cannot start with '.'"),
        ("service S { message M {} }", "main.proto:1:13: expected 'rpc' or 'option' in service 'S' but found 'message'"),
        ("message M { optional double a = 1 [default = 1e]; }", "main.proto:1:46: expected digits in exponent"),
        ("message M { optional string a = 1 [default = \"\\uD800\"]; }", "main.proto:1:47: invalid Unicode escape"),
        ("message M { optional string a = 1 [default = \"\\xZ\"]; }", "main.proto:1:47: expected hex digits in escape sequence"),
        ("enum E { A = 3000000000; }", "main.proto:1:14: enum value 'A' out of range: 3000000000"),
        ("message M { extensions 5 to 3000000000; }", "main.proto:1:29: an extension number out of range: 3000000000"),
        ("message M { optional int32 a = 1 [default = x]; }", "main.proto:1:45: expected an integer default but found 'x'"),
        ("message M { optional string a = 1 [default = 1]; }", "main.proto:1:46: expected a string default but found '1'"),
        ("message M { optional double a = 1 [default = \"x\"]; }", "main.proto:1:46: expected a number as the default but found string \"x\""),
        ("message M { optional uint32 a = 1 [default = -1]; }", "main.proto:1:46: default value out of range for field 'a'"),
    ])
    func syntaxErrorsArePlaced(_ text: String, _ expected: String) {
        #expect(ProtoText.error(text) == expected)
    }

    @Test func nestingIsBounded() {
        let deep = String(repeating: "message M {", count: 200) + String(repeating: "}", count: 200)
        #expect(ProtoText.error(deep).hasSuffix("nesting deeper than 64 levels"))
        let aggregate = "import \"google/protobuf/descriptor.proto\"; option (x) = " + String(repeating: "{ a ", count: 500)
        #expect(ProtoText.error(aggregate).hasSuffix("nesting deeper than 64 levels"))
    }

    /// Every prefix of a valid file, and seeded random bytes, give an error or a result, never a trap.
    @Test func truncatedAndRandomInputNeverTraps() throws {
        let text = try String(contentsOfFile: Protoc.fixtures + "/sluice/test/legacy.proto", encoding: .utf8)
        let options = try String(contentsOfFile: Protoc.fixtures + "/sluice/test/options.proto", encoding: .utf8)
        let common = try String(contentsOfFile: Protoc.fixtures + "/sluice/test/common.proto", encoding: .utf8)
        let others = ["sluice/test/options.proto": options, "sluice/test/common.proto": common]
        let bytes = Array(text.utf8)
        var failures = 0
        for end in stride(from: 0, to: bytes.count, by: 7) {
            if ProtoText.error(String(decoding: bytes[..<end], as: UTF8.self), others: others) != "no error" { failures += 1 }
        }
        #expect(failures > 0)
        #expect(ProtoText.error(text, others: others) == "no error")
        var generator = SplitMix64(seed: 12)
        let alphabet = Array("message enum { } ; = 1 \" ( ) . [ ] < > map optional group oneof extend option x y 0x1F -".utf8) + [0, 0xFF, 0xC3]
        for _ in 0..<300 {
            let length = Int(generator.next() % 120)
            let random = (0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }
            _ = ProtoText.error(String(decoding: random, as: UTF8.self))
            _ = try? ProtoParser.parse(random, file: "random.proto", name: "random.proto")
            _ = try? ProtoLoader.linkDescriptorSet(random, path: "random.pb")
        }
        // Bit flips in a real descriptor set: decoded or not, linked or not, never a trap.
        let linked = try ProtoText.load(text, others: others)
        var set = Google_Protobuf_FileDescriptorSet()
        set.file = linked
        let valid: [UInt8] = try set.serializedBytes()
        for _ in 0..<300 {
            var mutated = valid
            for _ in 0..<3 {
                let position = Int(generator.next() % UInt64(mutated.count))
                mutated[position] ^= UInt8(truncatingIfNeeded: 1 << (generator.next() % 8))
            }
            _ = try? ProtoLoader.linkDescriptorSet(mutated, path: "mutated.pb")
        }
    }
}

/// A seeded generator, so a failing input can be reproduced.
struct SplitMix64: RandomNumberGenerator {
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
