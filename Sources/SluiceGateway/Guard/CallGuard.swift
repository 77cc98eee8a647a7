public import NIOCore

/// The step between binding a request and calling the backend, where flow control will plug in: it may
/// admit a call, delay it, or reject it with an error response. Sluice ships only ``AdmitAll``; Sentinel-
/// style rules are a later issue.
///
/// Called on the request's event loop; implementations must not block.
public protocol CallGuard: Sendable {
    func admit(_ call: GuardedCall) -> GuardDecision
    /// The outcome of an admitted call, for rules that watch errors and latency.
    func completed(_ call: GuardedCall, outcome: GuardOutcome, latency: TimeAmount)
}

/// What a guard knows about a call.
public struct GuardedCall: Sendable {
    /// The route file's service name.
    public var service: String
    /// `IDLService.method`.
    public var call: String
    /// The route's index in the running configuration.
    public var route: Int
    /// The route's flow-control resource: its `name:`, or `"<METHOD> <path template>"`.
    public var resource: String
    /// The backend method's resource: `<service>:<IDLService>.<method>` (gRPC: `<service>:<full method name>`).
    public var methodResource: String

    public init(service: String, call: String, route: Int, resource: String) {
        self.service = service
        self.call = call
        self.route = route
        self.resource = resource
        self.methodResource = service + ":" + call
    }
}

public enum GuardDecision: Sendable {
    case admit
    /// Wait this long on the event loop, then call.
    case delay(TimeAmount)
    /// Answer with this error instead of calling.
    case reject(GatewayError)
}

public enum GuardOutcome: Sendable, Hashable {
    /// A reply arrived (a declared exception is a reply).
    case success
    /// A timeout, a transport failure or a TApplicationException.
    case failure
}

/// Admits everything.
public struct AdmitAll: CallGuard {
    public init() {}
    public func admit(_ call: GuardedCall) -> GuardDecision { .admit }
    public func completed(_ call: GuardedCall, outcome: GuardOutcome, latency: TimeAmount) {}
}
