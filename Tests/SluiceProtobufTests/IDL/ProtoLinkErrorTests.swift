import SwiftProtobuf
import Testing

@testable import SluiceProtobuf

/// Name resolution and the descriptor builder's checks, each error at `file:line:column`.
@Suite struct ProtoLinkErrorTests {
    @Test(arguments: [
        ("syntax = \"proto3\";\nmessage M { Missing a = 1; }", "main.proto:2:13: \"Missing\" is not defined."),
        ("syntax = \"proto3\";\nmessage M { int32 a = 1; string b = 1; }", "main.proto:2:37: field number 1 has already been used in \"M\" by field \"a\""),
        ("syntax = \"proto3\";\nmessage M {}\nmessage M {}", "main.proto:3:9: \"M\" is already defined in \"main.proto\""),
        ("syntax = \"proto3\";\nmessage M { reserved 5 to 9; int32 a = 7; }", "main.proto:2:40: field \"a\" uses reserved number 7"),
        ("syntax = \"proto3\";\nmessage M { reserved \"a\"; int32 a = 7; }", "main.proto:2:33: field name \"a\" is reserved"),
        ("syntax = \"proto3\";\nmessage M { map<double, string> m = 1; }", "main.proto:2:17: key in map fields cannot be float/double, bytes or message types"),
        ("syntax = \"proto3\";\nenum E { Z = 0; }\nmessage M { map<E, string> m = 1; }", "main.proto:3:17: key in map fields cannot be enum types"),
        ("syntax = \"proto3\";\nmessage M { map<M, string> m = 1; }", "main.proto:2:17: key in map fields cannot be float/double, bytes or message types"),
        ("syntax = \"proto3\";\nenum E { A = 0; B = 0; }", "main.proto:2:17: \"B\" uses the same enum value as \"A\". If this is intended, set 'option allow_alias = true;' to the enum definition."),
        ("syntax = \"proto3\";\nenum E { option allow_alias = true; A = 0; B = 1; }", "main.proto:2:6: \"E\" declares 'option allow_alias = true;', but does not have any aliased values"),
        ("syntax = \"proto3\";\nenum E { A = 1; }", "main.proto:2:10: the first enum value must be zero in proto3"),
        ("syntax = \"proto3\";\nenum E { A = 0; }\nenum F { A = 0; }", "main.proto:3:10: \"A\" is already defined in \"main.proto\". Note that enum values use C++ scoping rules, meaning that enum values are siblings of their type, not children of it. Therefore, \"A\" must be unique within \"main.proto\", not just within \"F\"."),
        ("message M { extensions 10 to 20; }\nextend M { optional int32 x = 30; }", "main.proto:2:31: \"M\" does not declare 30 as an extension number"),
        ("message M { extensions 10 to 20; }\nextend M { optional int32 x = 10; }\nextend M { optional int32 y = 10; }", "main.proto:3:31: extension number 10 has already been used in \"M\" by extension \"x\""),
        ("message M { optional int32 a = 19500; }", "main.proto:1:32: field numbers 19000 through 19999 are reserved for the protocol buffer library implementation"),
        ("message M { optional int32 a = 0; }", "main.proto:1:32: field numbers must be between 1 and 536870911, not 0"),
        ("syntax = \"proto3\";\nmessage M { string foo_bar = 1; string fooBar = 2; }", "main.proto:2:40: the JSON camel-case name of field \"fooBar\" conflicts with field \"foo_bar\". This is not allowed in proto3."),
        ("message M { optional int32 a = 1 [(nope) = 1]; }", "main.proto:1:35: option \"(nope)\" unknown (\"nope\" is not defined.) Ensure that your proto definition file imports the proto which defines the option."),
        ("message M { optional int32 a = 1 [packed = 1]; }", "main.proto:1:44: value must be \"true\" or \"false\" for option \"packed\""),
        ("message M { optional int32 a = 1 [lazy = true, lazy = false]; }", "main.proto:1:48: option \"lazy\" was already set"),
        ("message M { optional int32 a = 1 [nonsense = true]; }", "main.proto:1:35: option \"nonsense\" unknown: \"google.protobuf.FieldOptions\" has no field \"nonsense\""),
        ("option optimize_for = FAST;", "main.proto:1:23: enum type \"google.protobuf.FileOptions.OptimizeMode\" has no value named \"FAST\" for option \"optimize_for\""),
        ("message M { option map_entry = true; }", "main.proto:1:9: map_entry should not be set explicitly. Use map<KeyType, ValueType> instead."),
        ("message M { optional M a = 1 [default = x]; }", "main.proto:1:31: messages can't have default values"),
        ("syntax = \"proto3\";\nenum E { A = 0; }\nmessage M { E.A a = 1; }", "main.proto:3:13: \"E.A\" is resolved to \"E.A\", which is not defined. The innermost scope is searched first in name resolution. Consider using a leading '.'(i.e., \".E.A\") to start from the outermost scope."),
        ("syntax = \"proto3\";\nmessage A { message B {} }\nmessage M { message A {} A.B b = 1; }", "main.proto:3:26: \"A.B\" is resolved to \"M.A.B\", which is not defined. The innermost scope is searched first in name resolution. Consider using a leading '.'(i.e., \".A.B\") to start from the outermost scope."),
        ("syntax = \"proto3\";\nmessage M { oneof o {} }", "main.proto:2:19: oneof must have at least one field"),
        ("syntax = \"proto3\";\nservice S { rpc Get(M) returns (M); }", "main.proto:2:21: \"M\" is not defined."),
        ("syntax = \"proto3\";\nenum E { A = 0; }\nservice S { rpc Get(E) returns (E); }", "main.proto:3:21: \"E\" is not a message type"),
        ("syntax = \"proto3\";\nmessage M { extensions 1 to 5; }", "main.proto:2:24: extension ranges are not allowed in proto3"),
        ("message M { extensions 1 to 5; }\nmessage N { extend M { optional int32 x = 1; } }\nsyntax = 1;", "main.proto:3:1: expected a top-level statement (message, enum, service, extend, import, package, option) but found 'syntax'"),
        ("import \"a.proto\";\nimport \"a.proto\";", "main.proto:2:8: import \"a.proto\" was listed twice"),
        ("import \"missing.proto\";", "main.proto:1:1: import \"missing.proto\" was not found (looked in '.' and the embedded well-known files)"),
    ])
    func linkErrorsArePlaced(_ text: String, _ expected: String) {
        #expect(ProtoText.error(text) == expected)
    }

    static let optionTypes = """
        syntax = "proto2";
        import "google/protobuf/descriptor.proto";
        message Rule { optional int32 a = 1; repeated int32 list = 2; oneof o { string b = 3; string c = 4; } }
        message Other { extensions 10 to 20; }
        extend Other { optional int32 other = 10; }
        extend google.protobuf.MessageOptions {
          optional Rule rule = 5000; optional int32 i = 5001; optional string s = 5002; optional double d = 5003;
          optional google.protobuf.FieldDescriptorProto.Type t = 5004; optional uint32 u = 5005;
        }

        """

    @Test(arguments: [
        ("message M { option (rule) = { z: 1 }; }", "main.proto:10:31: message type \"Rule\" has no field named \"z\""),
        ("message M { option (rule) = { a: 1 a: 2 }; }", "main.proto:10:36: non-repeated field \"a\" is specified multiple times"),
        ("message M { option (rule) = { a: [1, 2] }; }", "main.proto:10:31: field \"a\" is not repeated: a list cannot set it"),
        ("message M { option (rule) = { b: \"x\" c: \"y\" }; }", "main.proto:10:38: field \"c\" is in the same oneof as \"b\", which is already set"),
        ("message M { option (rule) = 5; }", "main.proto:10:29: option \"(rule)\" is a message: write its value as { field: value ... }"),
        ("message M { option (i).x = 5; }", "main.proto:10:24: option \"(i).x\" is an atomic type, not a message"),
        ("message M { option (other) = 5; }", "main.proto:10:20: option \"(other)\" is an extension of \"Other\", not of \"google.protobuf.MessageOptions\""),
        ("message M { option (Rule) = 5; }", "main.proto:10:20: option \"(Rule)\": \"Rule\" is not an extension"),
        ("message M { option (i) = 3000000000; }", "main.proto:10:26: value out of range for option \"(i)\""),
        ("message M { option (u) = -1; }", "main.proto:10:26: value out of range for option \"(u)\""),
        ("message M { option (i) = \"x\"; }", "main.proto:10:26: value must be an integer for option \"(i)\""),
        ("message M { option (s) = 1; }", "main.proto:10:26: value must be a quoted string for option \"(s)\""),
        ("message M { option (s) = \"\\xff\"; }", "main.proto:10:26: string value is not valid UTF-8 for option \"(s)\""),
        ("message M { option (d) = x; }", "main.proto:10:26: value must be a number for option \"(d)\""),
        ("message M { option (t) = 1; }", "main.proto:10:26: value must be an identifier of enum \"google.protobuf.FieldDescriptorProto.Type\" for option \"(t)\""),
        ("message M { option (i) = 1; option (i) = 2; }", "main.proto:10:36: option \"(i)\" was already set"),
    ])
    func optionValueErrorsArePlaced(_ text: String, _ expected: String) {
        #expect(ProtoText.error(Self.optionTypes + text) == expected)
    }

    @Test func optionValuesOfEveryKindAreAccepted() throws {
        let file = try ProtoText.main(Self.optionTypes + "message M { option (rule) = { c: \"q\" list: [1, 2] a: 1 list: 3 }; option (d) = -inf; option (t) = TYPE_BOOL; }")
        // rule: a=1, list unpacked (proto2) 1 2 3, c="q" — in field-number order.
        #expect(Array(file.messageType[2].options.unknownFields.data.prefix(17)) == [
            0xC2, 0xB8, 0x02, 0x0B, 0x08, 0x01, 0x10, 0x01, 0x10, 0x02, 0x10, 0x03, 0x22, 0x01, 0x71, 0xD9, 0xB8,
        ])
    }

    @Test func proto3ExtendsOnlyOptions() {
        let others = ["m.proto": "message M { extensions 1 to 5; }"]
        #expect(ProtoText.error("syntax = \"proto3\";\nimport \"m.proto\";\nextend M { int32 x = 1; }", others: others)
            == "main.proto:3:8: extensions in proto3 are only allowed for defining options")
        #expect(ProtoText.error(
            "syntax = \"proto3\";\nimport \"google/protobuf/descriptor.proto\";\nextend google.protobuf.FieldOptions { int32 x = 50000; }")
            == "no error")
    }

    @Test func onlyDirectAndPublicImportsAreVisible() {
        let others = [
            "a.proto": "syntax = \"proto3\"; package a; message A {}",
            "b.proto": "syntax = \"proto3\"; import \"a.proto\";",
            "c.proto": "syntax = \"proto3\"; import public \"a.proto\";",
        ]
        #expect(
            ProtoText.error("syntax = \"proto3\";\nimport \"b.proto\";\nmessage M { a.A x = 1; }", others: others)
                == "main.proto:3:13: \"a.A\" seems to be defined in \"a.proto\", which is not imported by \"main.proto\". To use it here, please add the necessary import.")
        #expect(ProtoText.error("syntax = \"proto3\";\nimport \"c.proto\";\nmessage M { a.A x = 1; }", others: others) == "no error")
    }

    @Test func importCyclesAndCrossFileDuplicatesAreReported() {
        let cycle = ["b.proto": "import \"main.proto\";"]
        #expect(ProtoText.error("import \"b.proto\";", others: cycle) == "b.proto:1:1: file recursively imports itself: main.proto -> b.proto -> main.proto")
        let duplicate = ["b.proto": "package p; message M {}"]
        #expect(ProtoText.error("import \"b.proto\";\npackage p;\nmessage M {}", others: duplicate)
            == "main.proto:3:9: \"p.M\" is already defined in file \"b.proto\"")
    }

    @Test func typesResolveFromTheInnermostScopeOutwards() throws {
        let file = try ProtoText.main(
            """
            syntax = "proto3";
            package a.b;
            message T {}
            message M {
              message T {}
              T inner = 1;
              .a.b.T outer = 2;
              b.T via_package = 3;
              message N { T from_parent = 1; }
            }
            """)
        #expect(file.messageType[1].field.map(\.typeName) == [".a.b.M.T", ".a.b.T", ".a.b.T"])
        #expect(file.messageType[1].nestedType[1].field[0].typeName == ".a.b.M.T")
    }
}
