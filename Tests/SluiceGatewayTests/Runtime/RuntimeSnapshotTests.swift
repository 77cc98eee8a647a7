import Foundation
import NIOCore
import SluiceClient
import SluiceThrift
import Testing
@testable import SluiceGateway

@Suite("Runtime snapshot")
struct RuntimeSnapshotTests {
    static func configuration(endpoint: String = "127.0.0.1:9090", extraRoute: String = "") throws -> GatewayConfiguration {
        let yaml = echoServiceYAML.replacingOccurrences(of: "127.0.0.1:9090", with: endpoint) + """
        routes:
          - {method: GET, path: /v1/ping, service: echo, call: EchoService.Ping}
        \(extraRoute)
        """
        let result = try ConfigFixture(["echo.yaml": yaml]).run()
        return try #require(result.configuration)
    }

    static let echo = ServiceRuntime.Key(service: "echo", idlService: "EchoService")

    static func make(_ clientConfiguration: ThriftClientConfiguration) -> any ThriftCaller {
        FakeCaller(configuration: clientConfiguration) { _ in .failure(ClientError(.shutdown, "unused")) }
    }

    @Test("client settings come from the service and the IDL service its routes call")
    func clientConfiguration() throws {
        let (snapshot, _) = RuntimeSnapshot.build(configuration: try Self.configuration(), previous: nil, makeCaller: Self.make)
        let service = try #require(snapshot.services[Self.echo])
        #expect(service.clientConfiguration.serviceName == "EchoService")
        #expect(service.clientConfiguration.endpoints == [Endpoint(host: "127.0.0.1", port: 9090)])
        #expect(service.clientConfiguration.transport == .ttheader)
        #expect(service.clientConfiguration.requestTimeout == .seconds(1))
        #expect(snapshot.router.match(method: "GET", path: "/v1/ping") == .route(0))
    }

    @Test("each IDL service a service's routes call gets its own client, named for it")
    func clientPerIDLService() throws {
        var schema = TestSchemas.echo()
        let echoService = try #require(schema.services["EchoService"])
        for name in ["AdminService", "shared.Base"] {
            var copy = echoService
            copy.name = name
            schema.services[name] = copy
        }
        var fixture = ConfigFixture([
            "echo.yaml": echoServiceYAML + """
            routes:
              - {method: GET, path: /v1/ping, service: echo, call: EchoService.Ping}
              - {method: GET, path: /v1/admin/ping, service: echo, call: AdminService.Ping}
              - {method: GET, path: /v1/base/ping, service: echo, call: shared.Base.Ping}
              - {method: POST, path: /v1/say, service: echo, call: EchoService.Say}
            """
        ])
        fixture.idls["echo.thrift"] = schema
        let configuration = try #require(try fixture.run().configuration)
        let (snapshot, _) = RuntimeSnapshot.build(configuration: configuration, previous: nil, makeCaller: Self.make)

        let names = snapshot.routes.map(\.service.clientConfiguration.serviceName)
        // An included service is named as declared, without its include prefix.
        #expect(names == ["EchoService", "AdminService", "Base", "EchoService"])
        #expect(snapshot.services.count == 3)
        #expect(snapshot.routes[0].service.client.identity == snapshot.routes[3].service.client.identity)
        #expect(snapshot.routes[0].service.client.identity != snapshot.routes[1].service.client.identity)

        let (rebuilt, retired) = RuntimeSnapshot.build(configuration: configuration, previous: snapshot, makeCaller: Self.make)
        #expect(retired.isEmpty)
        #expect(zip(rebuilt.routes, snapshot.routes).allSatisfy { $0.service.client.identity == $1.service.client.identity })
    }

    @Test("a rebuild reuses the client of an unchanged service, even when its routes change")
    func reusesClients() throws {
        let (first, _) = RuntimeSnapshot.build(configuration: try Self.configuration(), previous: nil, makeCaller: Self.make)
        let changedRoutes = try Self.configuration(extraRoute: "  - {method: GET, path: /v1/ping2, service: echo, call: EchoService.Ping}")
        let (second, retired) = RuntimeSnapshot.build(configuration: changedRoutes, previous: first, makeCaller: Self.make)
        #expect(retired.isEmpty)
        #expect(second.services[Self.echo]?.client.identity == first.services[Self.echo]?.client.identity)
        #expect(second.router.match(method: "GET", path: "/v1/ping2") == .route(1))
        #expect(first.router.match(method: "GET", path: "/v1/ping2") == .notFound)
    }

    @Test("a changed endpoint gets a new client and retires the old one")
    func replacesClients() throws {
        let (first, _) = RuntimeSnapshot.build(configuration: try Self.configuration(), previous: nil, makeCaller: Self.make)
        let moved = try Self.configuration(endpoint: "127.0.0.1:9091")
        let (second, retired) = RuntimeSnapshot.build(configuration: moved, previous: first, makeCaller: Self.make)
        #expect(second.services[Self.echo]?.client.identity != first.services[Self.echo]?.client.identity)
        #expect(retired.count == 1)
        #expect(retired.first?.client.identity == first.services[Self.echo]?.client.identity)
    }

    @Test("the state swaps whole snapshots; a request holding the old one keeps it")
    func swap() throws {
        let (first, _) = RuntimeSnapshot.build(configuration: try Self.configuration(), previous: nil, makeCaller: Self.make)
        let state = RuntimeState(first)
        let held = state.current
        let (second, _) = RuntimeSnapshot.build(configuration: try Self.configuration(endpoint: "127.0.0.1:1"), previous: first, makeCaller: Self.make)
        let previous = state.swap(second)
        #expect(previous === first)
        #expect(state.current === second)
        #expect(held === first)
    }
}
