/// The parameter values of one call, which a resource's hot-parameter rules read by `paramIdx` (Sentinel's
/// `args`). Read lazily: a call whose resource has no parameter rule reads none, so the caller can extract a
/// header or a field only when a rule asks for it.
public protocol FlowParameters {
    /// How many parameters the call has; a negative `paramIdx` counts back from it, and a rule whose index
    /// is past it does not apply.
    var count: Int { get }
    func value(at index: Int) -> String?
}

extension Array: FlowParameters where Element == String? {
    public func value(at index: Int) -> String? { index < count ? self[index] : nil }
}
