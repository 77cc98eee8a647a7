/// Whose semantics a rule follows where Sentinel's Java and Go implementations differ (reference §1.7).
/// Java 1.8 is the default; Go is offered where the difference is a comparison or a rounding, not a
/// different statistic.
public enum FlowDialect: Sendable, Hashable {
    case java
    /// sentinel-golang: pacing always in ns with a ceiling cost, a batch larger than the threshold blocked, and
    /// `maxQueueingTimeMs` 0 meaning "pace only, never queue".
    case go
}
