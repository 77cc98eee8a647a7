import NIOCore

/// What fills a method's arguments.
public struct CallInput: Sendable {
    /// JSON bytes; nil or empty means no body.
    public var body: ByteBuffer?
    /// The field path the body fills; `[]` is the arguments object itself (a route's `body: "*"`).
    public var bodyTarget: [String]
    /// Bound values win over body values for the same field. When several share a path, a list or set field
    /// gets one element per value; any other field takes the first.
    public var bound: [BoundValue]
    /// The struct at `bodyTarget` is sent (with its defaults) even when neither the body nor a bound value
    /// fills it, as Kitex sends an HTTP-mapped request struct.
    public var sendsEmptyTarget: Bool

    public init(body: ByteBuffer?, bodyTarget: [String] = [], bound: [BoundValue] = [], sendsEmptyTarget: Bool = false) {
        self.body = body
        self.bodyTarget = bodyTarget
        self.bound = bound
        self.sendsEmptyTarget = sendsEmptyTarget
    }
}
