internal import NIOCore

/// How a backend call ended, as flow control's error counting sees it. Which outcomes count as errors for a
/// resource is ``OutcomeCounting``'s: transport failures always do, declared exceptions and the statuses
/// below only where a rule lists them.
public enum GuardOutcome: Sendable, Hashable {
    /// A reply arrived.
    case success
    /// A timeout, a transport failure, a TApplicationException, or a gRPC status that says the backend is
    /// unwell (UNKNOWN, DEADLINE_EXCEEDED, INTERNAL, UNAVAILABLE, DATA_LOSS).
    case failure
    /// A declared Thrift exception (a reply), by its `throws` field id.
    case exception(fieldID: Int16)
    /// Any other non-OK gRPC status.
    case grpcStatus(Int)
    /// An HTTP upstream's answer below 500 that is not a success (a 5xx is a ``failure``).
    case httpStatus(Int)

    /// An HTTP upstream's response status as an outcome.
    init(httpStatus status: Int) {
        switch status {
        case ..<400: self = .success
        case 500...: self = .failure
        default: self = .httpStatus(status)
        }
    }
}

/// What the guard says to one call.
enum GuardDecision {
    case admit(GuardTicket)
    /// Wait this long on the event loop, then call (a pacing rule's slot is booked for it).
    case delay(TimeAmount, GuardTicket)
    /// Answer with this error instead of calling (boxed: an error is large, and inline it would make every
    /// admit as large to copy).
    indirect case reject(GatewayError)
}
