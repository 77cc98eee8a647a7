/// Where the admin listener serves (`admin:` in the gateway config, `sluice run --admin`) and the token it
/// asks for.
public struct AdminSettings: Sendable, Equatable {
    /// Envoy's admin port, on loopback.
    public static let defaultAddress = ListenAddress(host: "127.0.0.1", port: 9901)

    public var address: ListenAddress
    /// Asked as `Authorization: Bearer <token>` on every endpoint but `/healthz`; nil asks none (loopback only).
    public var token: String?
    /// Nobody chose the address: when it is taken (another gateway on the machine), the gateway starts without
    /// an admin listener and says so, rather than refusing to serve traffic.
    public var isDefault: Bool

    public init(address: ListenAddress = AdminSettings.defaultAddress, token: String? = nil, isDefault: Bool = false) {
        self.address = address
        self.token = token
        self.isDefault = isDefault
    }

    /// The default listener, as `sluice run` starts it when nothing says otherwise.
    public static var `default`: AdminSettings { AdminSettings(isDefault: true) }

    /// Why these settings cannot be used, or nil: an admin API reachable from other machines must ask for a
    /// token (it can reload the configuration and change the flow-control rules).
    public var problem: String? {
        if let token, token.isEmpty { return "the admin 'token' is empty" }
        guard token == nil, !Self.isLoopback(address.host) else { return nil }
        return "the admin listener on \(address) is reachable from other machines: set a 'token', or listen on 127.0.0.1"
    }

    /// Whether `host` only accepts connections from this machine.
    static func isLoopback(_ host: String) -> Bool {
        let host = host.lowercased()
        if host == "localhost" || host == "::1" { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }
}
