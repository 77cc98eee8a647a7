/// The gateway's version, reported by `sluice --version` and the `server` header.
public enum GatewayVersion {
    public static let string = "0.1.0"
}
