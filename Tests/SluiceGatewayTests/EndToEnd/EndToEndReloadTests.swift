import NIOHTTP1
import SluiceGateway
import Testing

/// Reloading route files while the gateway serves a real backend.
@Suite("End to end: reload", .timeLimit(.minutes(1)))
struct EndToEndReloadTests {
    @Test("a reload with a broken route file keeps the running routes serving")
    func badReload() async throws {
        try await EndToEnd.run { endToEnd in
            #expect(try await endToEnd.send(.POST, "/v1/ping").status == 204)

            try endToEnd.directory.write(
                "broken.yaml",
                "routes:\n  - {method: GET, path: /v2/{req.nope}, service: echo, call: EchoService.Say}\n"
            )
            await #expect(throws: ConfigErrors.self) { try await endToEnd.gateway.reload() }

            #expect(try await endToEnd.send(.POST, "/v1/ping").status == 204)
            let said = try await endToEnd.send(.POST, "/v1/echo/bob")
            #expect(said.status == 200)
            #expect(try said.decode(Echoed.self) == Echoed(name: "bob"))
            #expect(try await endToEnd.send(.GET, "/v2/x").status == 404)
        }
    }

    @Test("a reload with a bad tls block keeps the running configuration serving")
    func badTLSReload() async throws {
        try await EndToEnd.run { endToEnd in
            #expect(try await endToEnd.send(.POST, "/v1/ping").status == 204)
            try endToEnd.directory.write(
                "secure.yaml",
                """
                services:
                  - {name: secure, idl: echo.thrift, endpoints: ["127.0.0.1:1"], tls: {ca: missing-ca.crt}}
                routes:
                  - {method: POST, path: /v2/ping, service: secure, call: EchoService.Ping}

                """
            )
            let error = await #expect(throws: ConfigErrors.self) { try await endToEnd.gateway.reload() }
            // The service is refused (its route then names an unknown service, as for any refused service).
            #expect(error?.diagnostics.first?.message == "'ca': cannot read '\(endToEnd.directory.path)/missing-ca.crt'")
            #expect(try await endToEnd.send(.POST, "/v1/ping").status == 204)
            #expect(try await endToEnd.send(.POST, "/v2/ping").status == 404)
        }
    }
}
