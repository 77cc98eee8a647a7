import ArgumentParser

/// A `HOST:PORT` command-line value. Port 0 is allowed for listeners: the system picks a free port and
/// the command prints the one it got.
struct HostPort: Sendable, Hashable, CustomStringConvertible, ExpressibleByArgument {
    var host: String
    var port: Int

    init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    init?(argument: String) {
        let host: Substring
        let portText: Substring
        if argument.hasPrefix("[") {
            guard let close = argument.firstIndex(of: "]"), argument[argument.index(after: close)...].first == ":"
            else { return nil }
            host = argument[argument.index(after: argument.startIndex)..<close]
            portText = argument[argument.index(close, offsetBy: 2)...]
        } else {
            guard let colon = argument.lastIndex(of: ":") else { return nil }
            host = argument[..<colon]
            portText = argument[argument.index(after: colon)...]
            if host.contains(":") { return nil }
        }
        guard !host.isEmpty, let port = Int(portText), (0...65535).contains(port) else { return nil }
        self.host = String(host)
        self.port = port
    }

    var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// The same host with the port a listener actually bound.
    func with(port: Int) -> HostPort { HostPort(host: host, port: port) }
}
