/// `google.protobuf.FeatureSet` as editions 2023 defines it, for `option features.x = ...` in editions
/// files: the embedded descriptor.proto (Debian's, protobuf 3.21) predates editions. Loaded only when
/// the load's descriptor.proto has no FeatureSet, and importable by no file; the field numbers and values
/// are those of protobuf's descriptor.proto.
extension WellKnownProtos {
    static let featureSetName = "sluice/internal/feature_set.proto"

    static let featureSet = #"""
        syntax = "proto2";
        package google.protobuf;

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
        """#

    /// The number of the `features` field in each `*Options` message of descriptor.proto versions with editions.
    static let featuresFieldNumbers: [String: Int32] = [
        "google.protobuf.ExtensionRangeOptions": 50, "google.protobuf.FileOptions": 50,
        "google.protobuf.MessageOptions": 12, "google.protobuf.FieldOptions": 21, "google.protobuf.OneofOptions": 1,
        "google.protobuf.EnumOptions": 7, "google.protobuf.EnumValueOptions": 2, "google.protobuf.ServiceOptions": 34,
        "google.protobuf.MethodOptions": 35,
    ]
}
