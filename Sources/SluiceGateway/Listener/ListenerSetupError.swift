/// A listener that cannot start: its TLS files do not load, say. `sluice check --config` reports the same
/// problems against the config file's lines; this is for a start that was not checked first.
public struct ListenerSetupError: Error, Sendable, CustomStringConvertible {
    public var address: ListenAddress
    public var message: String

    public var description: String { "listener \(address): \(message)" }
}
