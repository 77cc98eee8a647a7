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
            #expect(throws: ConfigErrors.self) { try endToEnd.gateway.reload() }

            #expect(try await endToEnd.send(.POST, "/v1/ping").status == 204)
            let said = try await endToEnd.send(.POST, "/v1/echo/bob")
            #expect(said.status == 200)
            #expect(try said.decode(Echoed.self) == Echoed(name: "bob"))
            #expect(try await endToEnd.send(.GET, "/v2/x").status == 404)
        }
    }
}
