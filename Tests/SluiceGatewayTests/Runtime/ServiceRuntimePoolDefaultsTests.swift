import SluiceClient
import SluiceThrift
import Testing

@testable import SluiceGateway

@Suite("Pool defaults")
struct ServiceRuntimePoolDefaultsTests {
    @Test("a route file's pool defaults are the client's")
    func defaultsAgree() {
        let service = ServiceConfiguration(
            name: "s", idlPath: "s.thrift", transport: .framed, endpoints: [Endpoint(host: "127.0.0.1", port: 1)],
            origin: ConfigOrigin(file: "routes.yaml", line: 1, column: 1))
        let fromRouteFile = ServiceRuntime.clientConfiguration(for: service, idlService: "S")
        let clientDefaults = ThriftClientConfiguration(endpoints: service.endpoints, transport: .framed, serviceName: "S")
        #expect(fromRouteFile == clientDefaults)
    }
}
