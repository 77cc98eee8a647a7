/// Why a rule is not loaded: the field at fault and Sentinel's constraint on it (its `isValidRule` checks).
/// Rule files report it with the rule's position; the rest of the file still loads.
public struct RuleValidationError: Error, Sendable, Hashable, CustomStringConvertible {
    public let field: String
    public let reason: String

    public init(field: String, reason: String) {
        self.field = field
        self.reason = reason
    }

    public var description: String { "\(field): \(reason)" }
}
