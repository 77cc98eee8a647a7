import Logging
import NIOHTTP1
import SluiceGateway
import Testing

/// The callee service TTHeader names is the IDL service each route calls, also when one route-file
/// service's routes call several IDL services of its IDL.
@Suite("End to end: callee service", .timeLimit(.minutes(1)))
struct EndToEndCalleeTests {
    static let idl = """
        service EchoService { void Ping() }
        service AdminService { void Ping() }
        """

    static func routeFile(port: Int) -> String {
        """
        services:
          - {name: both, idl: both.thrift, transport: ttheader, endpoints: ["127.0.0.1:\(port)"]}
        routes:
          - {method: POST, path: /echo/ping, service: both, call: EchoService.Ping}
          - {method: POST, path: /admin/ping, service: both, call: AdminService.Ping}

        """
    }

    @Test("each call names the IDL service its route calls")
    func calleePerRoute() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let backend = try await CalleeRecordingBackend.start()
        try directory.write("both.thrift", Self.idl)
        try directory.write("both.yaml", Self.routeFile(port: backend.port))
        let gateway = try await Gateway.start(configuration: .loopback(routes: directory.path))
        let statuses = [
            try? await HTTPTestClient.send(.POST, "/echo/ping", port: gateway.localPort).status,
            try? await HTTPTestClient.send(.POST, "/admin/ping", port: gateway.localPort).status,
            try? await HTTPTestClient.send(.POST, "/echo/ping", port: gateway.localPort).status,
        ]
        try await gateway.shutdown()
        try await backend.shutdown()

        #expect(statuses == [204, 204, 204])
        let names = backend.callees.map { [$0.method, $0.toService, $0.idlServiceName] }
        #expect(
            names == [
                ["Ping", "EchoService", "EchoService"],
                ["Ping", "AdminService", "AdminService"],
                ["Ping", "EchoService", "EchoService"],
            ]
        )
    }
}
