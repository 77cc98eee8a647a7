/// Which outcomes of a resource's calls count as errors (Sentinel's traced exceptions): what its breakers
/// trip on and what its statistics count as exceptions. Failures always count; a rule's `errors:` adds
/// declared exceptions and gRPC statuses. Resolved to field ids and codes when the rules load, so a
/// completion compares integers.
struct OutcomeCounting: Sendable, Hashable {
    var exceptionFieldIDs: Set<Int16> = []
    var grpcCodes: Set<Int> = []
    var httpStatuses: Set<Int> = []

    static let failuresOnly = OutcomeCounting()

    func isError(_ outcome: GuardOutcome) -> Bool {
        switch outcome {
        case .success: false
        case .failure: true
        case .exception(let fieldID): exceptionFieldIDs.contains(fieldID)
        case .grpcStatus(let code): grpcCodes.contains(code)
        case .httpStatus(let status): httpStatuses.contains(status)
        }
    }
}
