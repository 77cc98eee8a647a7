/// A resilience setting (retry, hedge, outlier, health check) out of range; `field` is the route-file path
/// of the setting (`retry.backoff.max`), which the route-file parser maps to a file, line and column.
public struct PolicyError: Error, Sendable, Hashable, CustomStringConvertible {
    public var field: String
    public var message: String

    public init(field: String, _ message: String) {
        self.field = field
        self.message = message
    }

    public var description: String { "\(field): \(message)" }
}
