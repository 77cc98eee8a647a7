/// How JSON is read and written for one route or call (a route's `options:`).
public struct ProtobufTranscodeOptions: Sendable, Hashable {
    /// Fields holding their default value (and empty repeated fields and maps) are written too; fields with
    /// presence (messages, oneof members, proto3 `optional`, proto2 fields) only when set.
    public var emitDefaults: Bool
    /// Enums are written as numbers instead of names.
    public var enumsAsInts: Bool
    /// Keys are written as the `.proto` field names instead of their lowerCamel JSON names.
    public var preserveProtoFieldNames: Bool
    /// Unknown JSON fields (and unknown enum names) are an error instead of being ignored.
    public var strict: Bool
    /// Deepest nesting of JSON containers and protobuf messages accepted (protobuf's own limit is 100).
    public var maxDepth: Int

    public init(emitDefaults: Bool = false, enumsAsInts: Bool = false, preserveProtoFieldNames: Bool = false,
                strict: Bool = false, maxDepth: Int = 100) {
        self.emitDefaults = emitDefaults
        self.enumsAsInts = enumsAsInts
        self.preserveProtoFieldNames = preserveProtoFieldNames
        self.strict = strict
        self.maxDepth = maxDepth
    }
}
