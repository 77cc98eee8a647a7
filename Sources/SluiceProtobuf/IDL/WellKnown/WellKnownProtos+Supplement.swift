import SwiftProtobuf

/// Option fields newer than the embedded descriptor.proto (Debian's, protobuf 3.21): `features` (editions),
/// `retention`, `targets` and `debug_redact`. With that descriptor.proto, `option features.x = ...` and
/// `[retention = RETENTION_SOURCE]` are read against these, with the field numbers and values of protobuf's
/// current descriptor.proto, so the bytes are what a current protoc writes. A descriptor.proto in an import
/// path that has the fields wins, as for any option.
extension WellKnownProtos {
    static let supplementName = "sluice/internal/option_supplement.proto"

    /// Types of the supplemental fields, in a package no file can import, so no name clashes.
    static let supplement = #"""
        syntax = "proto2";
        package sluice.internal;

        message FeatureSet {
          enum FieldPresence {
            FIELD_PRESENCE_UNKNOWN = 0;
            EXPLICIT = 1;
            IMPLICIT = 2;
            LEGACY_REQUIRED = 3;
          }
          optional FieldPresence field_presence = 1;
          enum EnumType {
            ENUM_TYPE_UNKNOWN = 0;
            OPEN = 1;
            CLOSED = 2;
          }
          optional EnumType enum_type = 2;
          enum RepeatedFieldEncoding {
            REPEATED_FIELD_ENCODING_UNKNOWN = 0;
            PACKED = 1;
            EXPANDED = 2;
          }
          optional RepeatedFieldEncoding repeated_field_encoding = 3;
          enum Utf8Validation {
            UTF8_VALIDATION_UNKNOWN = 0;
            VERIFY = 2;
            NONE = 3;
          }
          optional Utf8Validation utf8_validation = 4;
          enum MessageEncoding {
            MESSAGE_ENCODING_UNKNOWN = 0;
            LENGTH_PREFIXED = 1;
            DELIMITED = 2;
          }
          optional MessageEncoding message_encoding = 5;
          enum JsonFormat {
            JSON_FORMAT_UNKNOWN = 0;
            ALLOW = 1;
            LEGACY_BEST_EFFORT = 2;
          }
          optional JsonFormat json_format = 6;
          extensions 1000 to 9994, 9995 to 9999, 10000;
        }

        enum OptionRetention {
          RETENTION_UNKNOWN = 0;
          RETENTION_RUNTIME = 1;
          RETENTION_SOURCE = 2;
        }

        enum OptionTargetType {
          TARGET_TYPE_UNKNOWN = 0;
          TARGET_TYPE_FILE = 1;
          TARGET_TYPE_EXTENSION_RANGE = 2;
          TARGET_TYPE_MESSAGE = 3;
          TARGET_TYPE_FIELD = 4;
          TARGET_TYPE_ONEOF = 5;
          TARGET_TYPE_ENUM = 6;
          TARGET_TYPE_ENUM_ENTRY = 7;
          TARGET_TYPE_SERVICE = 8;
          TARGET_TYPE_METHOD = 9;
        }
        """#

    /// The supplemental field `name` of options message `optionsName`, if there is one.
    static func supplementalOptionField(_ name: String, of optionsName: String) -> Google_Protobuf_FieldDescriptorProto? {
        let featuresNumbers: [String: Int32] = [
            "google.protobuf.ExtensionRangeOptions": 50, "google.protobuf.FileOptions": 50,
            "google.protobuf.MessageOptions": 12, "google.protobuf.FieldOptions": 21, "google.protobuf.OneofOptions": 1,
            "google.protobuf.EnumOptions": 7, "google.protobuf.EnumValueOptions": 2, "google.protobuf.ServiceOptions": 34,
            "google.protobuf.MethodOptions": 35,
        ]
        var field = Google_Protobuf_FieldDescriptorProto()
        field.name = name
        field.label = .optional
        switch (optionsName, name) {
        case (_, "features"):
            guard let number = featuresNumbers[optionsName] else { return nil }
            field.number = number
            field.type = .message
            field.typeName = ".sluice.internal.FeatureSet"
        case ("google.protobuf.FieldOptions", "retention"):
            field.number = 17
            field.type = .enum
            field.typeName = ".sluice.internal.OptionRetention"
        case ("google.protobuf.FieldOptions", "targets"):
            field.number = 19
            field.label = .repeated
            field.type = .enum
            field.typeName = ".sluice.internal.OptionTargetType"
        case ("google.protobuf.FieldOptions", "debug_redact"):
            field.number = 16
            field.type = .bool
        case ("google.protobuf.EnumValueOptions", "debug_redact"):
            field.number = 3
            field.type = .bool
        default:
            return nil
        }
        return field
    }
}
