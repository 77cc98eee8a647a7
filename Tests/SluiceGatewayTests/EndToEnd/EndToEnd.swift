import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import SluiceThrift
import SluiceThriftServer
import SluiceGateway

/// A real Thrift backend and a real gateway in front of it, both on loopback ports picked by the system,
/// with the route file and IDL written to a temporary directory.
struct EndToEnd {
    /// The parts of the route file a test varies.
    struct Settings {
        var transport: ThriftTransportKind = .ttheader
        var codec: ThriftProtocolKind = .binary
        var timeout = "1s"
        var connectTimeout = "1s"
        var connections = 2
        /// Where the gateway calls; nil: the backend's port.
        var endpointPort: Int? = nil
    }

    let backend: ThriftServer
    let handler: EchoBackend
    let gateway: Gateway
    let directory: TemporaryDirectory

    /// Starts everything, runs `body`, and stops everything whether `body` threw or not.
    static func run<Result>(
        _ settings: Settings = Settings(),
        _ body: (EndToEnd) async throws -> Result
    ) async throws -> Result {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let idlPath = try directory.write("echo.thrift", EchoBackend.idl)
        let handler = try EchoBackend(schema: try ThriftIDL.load(path: idlPath))
        let backend = try await ThriftServer.start(
            host: "127.0.0.1",
            port: 0,
            handler: handler,
            group: MultiThreadedEventLoopGroup.singleton
        )
        let gateway: Gateway
        do {
            try directory.write("echo.yaml", routeFile(settings, port: settings.endpointPort ?? backend.port))
            gateway = try await Gateway.start(configuration: .loopback(routes: directory.path))
        } catch {
            try await backend.shutdown()
            throw error
        }
        let endToEnd = EndToEnd(backend: backend, handler: handler, gateway: gateway, directory: directory)
        do {
            let result = try await body(endToEnd)
            try await endToEnd.stop()
            return result
        } catch {
            try? await endToEnd.stop()
            throw error
        }
    }

    private func stop() async throws {
        try await gateway.shutdown()
        try await backend.shutdown()
    }

    static func routeFile(_ settings: Settings, port: Int) -> String {
        """
        services:
          - name: echo
            idl: echo.thrift
            transport: \(settings.transport.rawValue)
            codec: \(settings.codec.rawValue)
            endpoints: ["127.0.0.1:\(port)"]
            timeout: \(settings.timeout)
            connect_timeout: \(settings.connectTimeout)
            connections: \(settings.connections)
        routes:
          - method: POST
            path: /v1/echo/{req.name}
            service: echo
            call: EchoService.Say
            body: req
            query: {verbose: req.verbose, count: req.count}
            headers: {x-user: req.user}
          - method: GET
            path: /v1/echo/{req.name}
            service: echo
            call: EchoService.Say
            query: {count: req.count}
          - method: POST
            path: /v1/find
            service: echo
            call: EchoService.Find
            body: "*"
            exceptions: {NotFound: 404}
          - {method: POST, path: /v1/ping, service: echo, call: EchoService.Ping}
          - {method: POST, path: /v1/fire, service: echo, call: EchoService.Fire, body: "*"}
          - {method: POST, path: /v1/boom, service: echo, call: EchoService.Boom}
          - {method: POST, path: /v1/hang, service: echo, call: EchoService.Hang}

        """
    }

    func send(
        _ method: HTTPMethod,
        _ target: String,
        headers: [(String, String)] = [],
        body: String? = nil
    ) async throws -> HTTPTestResponse {
        try await HTTPTestClient.send(method, target, headers: headers, body: body, port: gateway.localPort)
    }
}

extension Gateway.Configuration {
    /// A gateway on a free loopback port that logs only what is critical.
    static func loopback(routes directory: String) -> Self {
        Self(host: "127.0.0.1", port: 0, routesDirectory: directory, logLevel: .critical)
    }
}
