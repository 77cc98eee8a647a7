import SwiftProtobuf
import Testing

@testable import SluiceProtobuf

@Suite struct ProtoParserTests {
    @Test func proto3OptionalGetsASyntheticOneofAfterTheDeclaredOnes() throws {
        let file = try ProtoText.main(
            """
            syntax = "proto3";
            message M {
              optional string note = 1;
              oneof kind { int32 a = 2; }
              optional int32 _x = 3;
              optional int32 _note2 = 4;
            }
            """)
        let message = file.messageType[0]
        #expect(message.oneofDecl.map(\.name) == ["kind", "_note", "X_x", "X_note2"])
        #expect(message.field[0].proto3Optional && message.field[0].oneofIndex == 1)
        #expect(message.field[1].oneofIndex == 0 && !message.field[1].hasProto3Optional)
        #expect(message.field[2].oneofIndex == 2)
    }

    @Test func mapFieldsBecomeEntryMessages() throws {
        let file = try ProtoText.main(
            """
            syntax = "proto3";
            package p;
            message M { map<string, M> child_nodes = 1; }
            """)
        let entry = file.messageType[0].nestedType[0]
        #expect(entry.name == "ChildNodesEntry")
        #expect(entry.options.mapEntry)
        #expect(entry.field.map(\.name) == ["key", "value"])
        #expect(entry.field[1].typeName == ".p.M" && entry.field[1].type == .message)
        let field = file.messageType[0].field[0]
        #expect(field.label == .repeated && field.typeName == ".p.M.ChildNodesEntry" && field.jsonName == "childNodes")
    }

    @Test func groupsAreAFieldAndANestedMessage() throws {
        let file = try ProtoText.main(
            """
            message M {
              repeated group Result = 1 { required string url = 2; }
            }
            """)
        let field = file.messageType[0].field[0]
        #expect(field.name == "result" && field.type == .group && field.typeName == ".M.Result")
        #expect(file.messageType[0].nestedType[0].field[0].label == .required)
    }

    @Test func reservedRangesAndExtensionRangesEndExclusively() throws {
        let file = try ProtoText.main(
            """
            message M {
              reserved 2, 9 to 11, 40 to max;
              reserved "foo", "bar";
              extensions 100 to 199, 1000 to max;
            }
            enum E { A = 0; reserved -5 to -1, 10 to max; reserved "B"; }
            """)
        let message = file.messageType[0]
        #expect(message.reservedRange.map { [$0.start, $0.end] } == [[2, 3], [9, 12], [40, 536_870_912]])
        #expect(message.reservedName == ["foo", "bar"])
        #expect(message.extensionRange.map { [$0.start, $0.end] } == [[100, 200], [1000, 536_870_912]])
        #expect(file.enumType[0].reservedRange.map { [$0.start, $0.end] } == [[-5, -1], [10, Int32.max]])
    }

    @Test func importsRecordPublicAndWeakIndexes() throws {
        let file = try ProtoText.main(
            """
            import "a.proto";
            import public "b.proto";
            import weak "c.proto";
            """, others: ["a.proto": "", "b.proto": "", "c.proto": ""])
        #expect(file.dependency == ["a.proto", "b.proto", "c.proto"])
        #expect(file.publicDependency == [1] && file.weakDependency == [2])
    }

    @Test func methodsRecordStreamingOnlyWhenStreaming() throws {
        let file = try ProtoText.main(
            """
            syntax = "proto3";
            message R {}
            service S {
              rpc Unary(R) returns (R);
              rpc Client(stream R) returns (R);
              rpc Server(R) returns (stream R) {}
              rpc Bidi(stream R) returns (stream .R) { option deprecated = true; }
            }
            """)
        let methods = file.service[0].method
        #expect(methods.map(\.hasClientStreaming) == [false, true, false, true])
        #expect(methods.map(\.hasServerStreaming) == [false, false, true, true])
        // protoc gives a method written with a body `{}` an (empty) options message.
        #expect(methods.map(\.hasOptions) == [false, false, true, true])
        #expect(methods[3].options.deprecated)
        #expect(methods[0].inputType == ".R")
    }

    @Test func jsonNamesAreLowerCamelUnlessGiven() throws {
        let file = try ProtoText.main(
            """
            syntax = "proto3";
            message M { string foo_bar_baz = 1; string Upper_case = 2; string x = 3 [json_name = "why"]; }
            """)
        #expect(file.messageType[0].field.map(\.jsonName) == ["fooBarBaz", "UpperCase", "why"])
        #expect(!file.messageType[0].field[2].hasOptions)
    }

    @Test func defaultsAreSpelledAsProtocSpellsThem() throws {
        let file = try ProtoText.main(
            #"""
            message M {
              optional int32 a = 1 [default = 0x10];
              optional float b = 2 [default = 1e10];
              optional double c = 3 [default = -inf];
              optional bytes d = 4 [default = "\001\377a\n"];
              optional string e = 5 [default = "\u00e9\"q\""];
              optional uint32 f = 6 [default = 017];
              optional float g = 7 [default = 0.1];
              optional E h = 8 [default = Y];
            }
            enum E { X = 1; Y = 2; }
            """#)
        #expect(file.messageType[0].field.map(\.defaultValue) == ["16", "1e+10", "-inf", "\\001\\377a\\n", "é\"q\"", "15", "0.1", "Y"])
    }

    @Test func editionsFilesAreRead() throws {
        let file = try ProtoText.main(
            """
            edition = "2023";
            message M { string a = 1; reserved b; }
            """)
        #expect(file.syntax == "editions" && file.edition == .edition2023)
        #expect(file.messageType[0].reservedName == ["b"])
    }

    @Test func customOptionsKeepTheirWireBytesInStatementOrder() throws {
        let file = try ProtoText.main(
            """
            syntax = "proto2";
            import "google/protobuf/descriptor.proto";
            message Rule { optional int32 a = 1; optional string b = 2; }
            extend google.protobuf.MessageOptions { optional Rule rule = 5000; optional sint32 z = 5001; }
            message M {
              option (z) = -1;
              option (rule) = { b: "x" a: 3 };
              option deprecated = true;
            }
            """)
        let options = file.messageType[1].options
        #expect(options.deprecated)
        // z: tag 5001<<3|0, zigzag(-1) = 1; rule: tag 5000<<3|2, length 5, a=3 then b="x" (field order).
        #expect(Array(options.unknownFields.data) == [0xC8, 0xB8, 0x02, 0x01, 0xC2, 0xB8, 0x02, 0x05, 0x08, 0x03, 0x12, 0x01, 0x78])
    }

    @Test func sourceRetentionOptionsAreLeftOutEvenWhenDeclaredInTheSameFile() throws {
        let file = try ProtoText.main(
            """
            syntax = "proto3";
            import "google/protobuf/descriptor.proto";
            message Uses { option (rule).secret = "s"; option (rule).shown = "v"; }
            message Hidden { option (rule).secret = "s"; }
            message Rule { string secret = 1 [retention = RETENTION_SOURCE]; string shown = 2; }
            extend google.protobuf.MessageOptions { Rule rule = 5000; }
            """)
        // rule (5000, length-delimited) { shown (2): "v" }; the source-retention statement is gone.
        #expect(Array(file.messageType[0].options.unknownFields.data) == [0xC2, 0xB8, 0x02, 0x03, 0x12, 0x01, 0x76])
        #expect(!file.messageType[1].hasOptions)
        #expect(file.messageType[2].field[0].options.retention == .retentionSource)
    }

    @Test func httpAnnotationsResolveWithoutUserFiles() throws {
        let file = try ProtoText.main(
            """
            syntax = "proto3";
            import "google/api/annotations.proto";
            import "google/protobuf/empty.proto";
            service S {
              rpc Get(google.protobuf.Empty) returns (google.protobuf.Empty) { option (google.api.http).get = "/v1"; }
            }
            """)
        // 72295728 << 3 | 2, then HttpRule { get (2): "/v1" }.
        #expect(Array(file.service[0].method[0].options.unknownFields.data) == [0x82, 0xD3, 0xE4, 0x93, 0x02, 0x05, 0x12, 0x03, 0x2F, 0x76, 0x31])
    }
}
