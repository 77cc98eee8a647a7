import SwiftProtobuf
import Testing

@testable import SluiceProtobuf

@Suite(.enabled(if: CodecFixture.canRun, "needs protoc (required on CI)"))
struct ProtobufSchemaTests {
    private func field(_ message: String, _ name: String) throws -> ProtobufField {
        let schema = try CodecFixture.schema()
        let id = try #require(schema.message(named: message))
        return try #require(schema[id].fields.first { $0.name == name })
    }

    @Test func findsMessagesAndMethodsByFullName() throws {
        let schema = try CodecFixture.schema()
        let everything = try #require(schema.message(named: "codec.test.Everything"))
        #expect(schema.message(named: ".codec.test.Everything") == everything)
        #expect(schema.message(named: "codec.test.Missing") == nil)
        #expect(schema.message(named: "google.protobuf.Timestamp") != nil)
        let echo = try #require(schema.method(named: "codec.test.CodecService.Echo"))
        #expect(echo.input == everything && echo.output == everything && !echo.clientStreaming && !echo.serverStreaming)
        #expect(schema.method(named: "/codec.test.CodecService/Echo") == echo)
        let stream = try #require(schema.method(named: "codec.test.CodecService.Stream"))
        #expect(stream.clientStreaming && stream.serverStreaming)
        #expect(schema.method(named: "codec.test.CodecService.Nope") == nil)
    }

    @Test func fieldsAreSortedWithJSONNamesAndTypes() throws {
        let schema = try CodecFixture.schema()
        let id = try #require(schema.message(named: "codec.test.Scalars"))
        #expect(schema[id].fields.map(\.number) == Array(1...16))
        #expect(try field("codec.test.Scalars", "f_uint64").jsonName == "fUint64")
        #expect(try field("codec.test.JsonNames", "custom").jsonName == "renamed")
        #expect(try field("codec.test.JsonNames", "field_with_1number").jsonName == "fieldWith1number")
        #expect(ProtoJSONName.of("snake_case_field") == "snakeCaseField")
        guard case .enumeration(let color) = try field("codec.test.Scalars", "f_color").type else {
            Issue.record("f_color is not an enum")
            return
        }
        #expect(schema[color].values.map(\.number) == [0, 1, 2, -3])
        #expect(!schema[color].isClosed)
        guard case .enumeration(let level) = try field("codec.legacy.Legacy", "level").type else { return }
        #expect(schema[level].isClosed)
        guard case .group(let item) = try field("codec.legacy.Legacy", "item").type else {
            Issue.record("item is not a group")
            return
        }
        #expect(schema[item].fullName == "codec.legacy.Legacy.Item")
    }

    @Test func packedPresenceOneofsAndMaps() throws {
        #expect(try field("codec.test.Repeateds", "r_int32").isPacked)
        #expect(try !field("codec.test.Repeateds", "r_unpacked").isPacked)
        #expect(try !field("codec.test.Repeateds", "r_string").isPacked)
        #expect(try !field("codec.legacy.Legacy", "plain").isPacked)
        #expect(try field("codec.legacy.Legacy", "packed").isPacked)

        #expect(try !field("codec.test.Scalars", "f_int32").hasPresence)
        #expect(try field("codec.test.Optionals", "o_int32").hasPresence)
        #expect(try field("codec.test.Optionals", "o_int32").oneofIndex == nil)  // synthetic oneof
        #expect(try field("codec.test.Everything", "scalars").hasPresence)
        #expect(try field("codec.test.Oneofs", "c_int").hasPresence)
        #expect(try field("codec.legacy.Legacy", "count").hasPresence)

        #expect(try field("codec.test.Oneofs", "c_int").oneofIndex == 0)
        #expect(try field("codec.test.Oneofs", "c_wrapped").oneofIndex == 0)
        #expect(try field("codec.test.Oneofs", "o_bytes").oneofIndex == 1)
        #expect(try field("codec.test.Oneofs", "plain").oneofIndex == nil)

        #expect(try field("codec.test.Maps", "m_bool").isMap)
        #expect(try !field("codec.test.Repeateds", "r_nested").isMap)
        #expect(try field("codec.legacy.Legacy", "id").label == .required)
    }

    @Test func proto2DefaultsAreParsed() throws {
        #expect(try field("codec.legacy.Legacy", "name").defaultValue == .string("anon"))
        #expect(try field("codec.legacy.Legacy", "count").defaultValue == .int(-7))
        #expect(try field("codec.legacy.Legacy", "ratio").defaultValue == .double(1.5))
        #expect(try field("codec.legacy.Legacy", "flag").defaultValue == .bool(true))
        #expect(try field("codec.legacy.Legacy", "blob").defaultValue == .bytes([0x61, 0x01, 0x62]))
        #expect(try field("codec.legacy.Legacy", "level").defaultValue == .enumValue(2))
        #expect(try field("codec.legacy.Legacy", "f").defaultValue == .double(.infinity))
        #expect(try field("codec.legacy.Legacy", "big").defaultValue == .uint(.max))
        #expect(try field("codec.legacy.Legacy", "id").defaultValue == nil)
        #expect(ProtobufDefault.unescapeC(#"\x41\101\n\\"#) == [0x41, 0x41, 0x0A, 0x5C])
        #expect(ProtobufDefault.unescapeC(#"bad\"#) == nil)
    }

    @Test func wellKnownTypesAreRecognised() throws {
        let schema = try CodecFixture.schema()
        for (name, type) in [("google.protobuf.Any", ProtobufWellKnownType.any), ("google.protobuf.Timestamp", .timestamp),
                             ("google.protobuf.Int64Value", .int64Value), ("google.protobuf.Struct", .structure)] {
            #expect(schema[try #require(schema.message(named: name))].wellKnown == type)
        }
        #expect(schema[try #require(schema.message(named: "google.protobuf.Empty"))].wellKnown == nil)
        #expect(schema.nullValueEnum != nil)
    }
}

/// Errors need no protoc: descriptors written by hand.
struct ProtobufSchemaErrorTests {
    private func file(_ fields: [Google_Protobuf_FieldDescriptorProto], name: String = "M") -> Google_Protobuf_FileDescriptorProto {
        var message = Google_Protobuf_DescriptorProto()
        message.name = name
        message.field = fields
        var file = Google_Protobuf_FileDescriptorProto()
        file.name = "t.proto"
        file.package = "p"
        file.syntax = "proto3"
        file.messageType = [message]
        return file
    }

    private func field(_ name: String, _ number: Int32, _ type: Google_Protobuf_FieldDescriptorProto.TypeEnum,
                       typeName: String = "") -> Google_Protobuf_FieldDescriptorProto {
        var field = Google_Protobuf_FieldDescriptorProto()
        field.name = name
        field.number = number
        field.type = type
        field.label = .optional
        if !typeName.isEmpty { field.typeName = typeName }
        return field
    }

    private func buildError(_ files: [Google_Protobuf_FileDescriptorProto]) -> ProtobufSchemaError? {
        do {
            _ = try ProtobufSchema(files: files)
            return nil
        } catch {
            return error
        }
    }

    @Test func unresolvedAndRelativeTypeNamesAreErrors() {
        let missing = buildError([file([field("x", 1, .message, typeName: ".p.Missing")])])
        #expect(missing?.kind == .unresolvedType)
        #expect(missing?.element == "p.M.x")
        let relative = buildError([file([field("x", 1, .message, typeName: "M")])])
        #expect(relative?.kind == .unresolvedType)
        let badEnum = buildError([file([field("e", 1, .enum, typeName: ".p.Nope")])])
        #expect(badEnum?.kind == .unresolvedType)
    }

    @Test func duplicatesAndBadDefaultsAreErrors() {
        let twice = buildError([file([field("a", 1, .int32)]), file([field("b", 1, .int32)])])
        #expect(twice?.kind == .duplicateName)
        #expect(twice?.element == "p.M")
        let sameNumber = buildError([file([field("a", 1, .int32), field("b", 1, .int32)])])
        #expect(sameNumber?.kind == .duplicateName)
        var defaulted = field("a", 1, .int32)
        defaulted.defaultValue = "twelve"
        let badDefault = buildError([file([defaulted])])
        #expect(badDefault?.kind == .invalidField)
        #expect(badDefault?.description == "p.M.a: invalid default value 'twelve'")
    }

    @Test func aSelfContainedFileBuilds() throws {
        let schema = try ProtobufSchema(files: [file([field("a", 1, .int32), field("self", 2, .message, typeName: ".p.M")])])
        let id = try #require(schema.message(named: "p.M"))
        #expect(schema[id].fields.map(\.jsonName) == ["a", "self"])
        #expect(schema[id].fields[1].type == .message(id))
    }
}
