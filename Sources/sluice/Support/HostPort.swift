import ArgumentParser
import SluiceGateway

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
        guard let address = ListenAddress(parsing: argument) else { return nil }
        self.init(host: address.host, port: address.port)
    }

    var description: String { ListenAddress(host: host, port: port).description }

    /// The same host with the port a listener actually bound.
    func with(port: Int) -> HostPort { HostPort(host: host, port: port) }
}
