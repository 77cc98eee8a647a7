/// What a `_result` struct held.
public enum ResultOutcome: Sendable, Hashable {
    /// The output holds the success value as JSON.
    case success
    /// A `void` method returned; nothing was written.
    case void
    /// A declared exception; the output holds `{"error":{"type":"<ExceptionName>","exception":{...fields}}}`.
    case exception(type: String, fieldID: Int16)
}
