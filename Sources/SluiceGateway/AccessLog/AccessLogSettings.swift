/// `access_log:` in the gateway config (for every listener, or one listener's own): where entries go and how
/// they are written.
public struct AccessLogSettings: Sendable, Hashable {
    public enum Destination: Sendable, Hashable {
        case standardOutput
        /// Appended to (created with mode 0644 when missing); reopened on every reload, so `logrotate` can move it.
        case file(String)
    }

    public enum Format: String, Sendable, Hashable, CaseIterable {
        /// One JSON object per line (see ``AccessLogEntry``).
        case json
        /// The Apache/nginx "combined" format, which log tools already read.
        case combined
    }

    public var destination: Destination
    public var format: Format

    public init(destination: Destination, format: Format = .json) {
        self.destination = destination
        self.format = format
    }

    /// `-` is standard output, anything else a file path.
    public init(path: String, format: Format = .json) {
        self.init(destination: path == "-" ? .standardOutput : .file(path), format: format)
    }
}

/// A listener's access log: the gateway config's, none, or its own.
public enum ListenerAccessLog: Sendable, Hashable {
    case inherit
    case off
    case on(AccessLogSettings)

    func resolved(default gatewayWide: AccessLogSettings?) -> AccessLogSettings? {
        switch self {
        case .inherit: gatewayWide
        case .off: nil
        case .on(let settings): settings
        }
    }
}
