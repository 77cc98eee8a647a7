/// How JSON is read and written for one route or call.
public struct TranscodeOptions: Sendable, Hashable {
    /// Unknown JSON fields are an error instead of being ignored.
    public var strict: Bool
    /// i64 values beyond ±2^53 (where JSON numbers lose precision in JavaScript) are written as strings.
    public var int64AsString: Bool
    /// Enums are written as their names instead of numbers.
    public var enumsAsNames: Bool
    /// Kitex/Hertz HTTP annotations apply: `api.body` names JSON keys, `api.none` fields are skipped both
    /// ways, `api.js_conv` integers are read from strings and written as strings.
    public var httpAnnotations: Bool
    /// Deepest nesting of JSON containers and Thrift structs/containers accepted.
    public var maxDepth: Int

    public init(strict: Bool = false, int64AsString: Bool = false, enumsAsNames: Bool = false, httpAnnotations: Bool = false,
                maxDepth: Int = 64) {
        self.strict = strict
        self.int64AsString = int64AsString
        self.enumsAsNames = enumsAsNames
        self.httpAnnotations = httpAnnotations
        self.maxDepth = maxDepth
    }
}
