/// How JSON is read and written for one route or call.
public struct TranscodeOptions: Sendable, Hashable {
    /// Unknown JSON fields are an error instead of being ignored.
    public var strict: Bool
    /// i64 values beyond ±2^53 (where JSON numbers lose precision in JavaScript) are written as strings.
    public var int64AsString: Bool
    /// Enums are written as their names instead of numbers.
    public var enumsAsNames: Bool
    /// Deepest nesting of JSON containers and Thrift structs/containers accepted.
    public var maxDepth: Int

    public init(strict: Bool = false, int64AsString: Bool = false, enumsAsNames: Bool = false, maxDepth: Int = 64) {
        self.strict = strict
        self.int64AsString = int64AsString
        self.enumsAsNames = enumsAsNames
        self.maxDepth = maxDepth
    }
}
