import NIOCore
import NIOHTTP1
import SluiceGateway
import SluiceThrift
import Testing

/// HTTP/1.1 JSON in, a real Thrift call out, JSON back: every transport and codec, every kind of outcome.
@Suite("End to end: calls", .timeLimit(.minutes(1)))
struct EndToEndCallTests {
    @Test(
        "every transport and codec carries a call, a declared exception and a TApplicationException",
        arguments: ThriftTransportKind.allCases, ThriftProtocolKind.allCases
    )
    func transportsAndCodecs(transport: ThriftTransportKind, codec: ThriftProtocolKind) async throws {
        try await EndToEnd.run(.init(transport: transport, codec: codec)) { endToEnd in
            let said = try await endToEnd.send(.POST, "/v1/echo/bob?count=3", body: #"{"verbose":true}"#)
            #expect(said.status == 200)
            #expect(said.headers["content-type"] == ["application/json"])
            #expect(try said.decode(Echoed.self) == Echoed(name: "bob", verbose: true, count: 3))

            let missing = try await endToEnd.send(.POST, "/v1/find", body: #"{"req":{"name":"x"}}"#)
            #expect(missing.status == 404)
            #expect(missing.body == #"{"error":{"type":"NotFound","exception":{"message":"nothing is called that"}}}"#)

            let boom = try await endToEnd.send(.POST, "/v1/boom")
            #expect(boom.status == 502)
            #expect(boom.body == #"{"error":{"code":"application_exception","type":6,"message":"boom"}}"#)
        }
    }

    @Test("path, query and header values reach the backend and win over the body")
    func binding() async throws {
        try await EndToEnd.run { endToEnd in
            let response = try await endToEnd.send(
                .POST,
                "/v1/echo/b%C3%B6b?verbose=true&count=7&unbound=1",
                headers: [("X-User", "ann")],
                body: #"{"name":"from-body","user":"from-body","count":1}"#
            )
            #expect(response.status == 200)
            let echoed = try response.decode(Echoed.self)
            #expect(echoed == Echoed(name: "böb", verbose: true, user: "ann", count: 7))
        }
    }

    @Test("void answers 204 without a body; oneway answers 202 and still reaches the backend")
    func voidAndOneway() async throws {
        try await EndToEnd.run { endToEnd in
            let ping = try await endToEnd.send(.POST, "/v1/ping")
            #expect(ping.status == 204)
            #expect(ping.body.isEmpty)
            #expect(ping.headers["content-length"].isEmpty)

            let fire = try await endToEnd.send(.POST, "/v1/fire", body: #"{"what":"now"}"#)
            #expect(fire.status == 202)
            #expect(fire.body.isEmpty)
            // 202 does not wait for the backend; the call arrives shortly after.
            let deadline = ContinuousClock.now + .seconds(5)
            while endToEnd.handler.firedCount == 0, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(5))
            }
            #expect(endToEnd.handler.firedCount == 1)
        }
    }

    @Test("HEAD is served by the GET route, with GET's headers and no body")
    func head() async throws {
        try await EndToEnd.run { endToEnd in
            let get = try await endToEnd.send(.GET, "/v1/echo/bob?count=2")
            #expect(get.status == 200)
            #expect(try get.decode(Echoed.self) == Echoed(name: "bob", count: 2))

            // Pipelined on one connection: the GET response must start right after the HEAD response's
            // headers, so no body bytes can have been sent for HEAD.
            let raw = try await RawHTTPClient.exchange(
                port: endToEnd.gateway.localPort,
                "HEAD /v1/echo/bob?count=2 HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "GET /v1/echo/bob?count=2 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
            )
            let responses = raw.split(separator: "\r\n\r\n", omittingEmptySubsequences: false)
            #expect(responses.count == 3)
            #expect(responses.first?.hasPrefix("HTTP/1.1 200 OK\r\n") == true)
            #expect(responses.first?.contains("content-length: \(get.body.utf8.count)") == true)
            #expect(responses.dropFirst().first?.hasPrefix("HTTP/1.1 200 OK\r\n") == true)
            #expect(responses.last.map(String.init) == get.body)

            let notAllowed = try await endToEnd.send(.HEAD, "/v1/ping")
            #expect(notAllowed.status == 405)
            #expect(notAllowed.headers["allow"] == ["POST"])
        }
    }
}
