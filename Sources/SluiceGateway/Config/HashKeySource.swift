/// What a `consistent_hash` service hashes to keep a client on one endpoint (`hash_key:`); it reads parts of
/// the incoming request, so it lives with the gateway rather than the protocol-neutral client.
public enum HashKeySource: Sendable, Hashable, CustomStringConvertible {
    /// A request header, by its lower-cased name.
    case header(String)
    /// A query parameter, by its exact name.
    case query(String)
    /// A variable of the route's path template (`{user}`).
    case pathParam(String)
    /// The client's address as the listener saw it.
    case clientIP
    /// A cookie, by its exact name.
    case cookie(String)

    public var description: String {
        switch self {
        case .header(let name): "header \(name)"
        case .query(let name): "query \(name)"
        case .pathParam(let name): "path_param \(name)"
        case .clientIP: "client_ip"
        case .cookie(let name): "cookie \(name)"
        }
    }
}
