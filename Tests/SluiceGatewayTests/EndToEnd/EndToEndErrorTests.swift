import NIOCore
import NIOHTTP1
import SluiceThrift
import Testing

/// What the gateway answers itself: bad requests, unknown routes, and backends that are gone or slow.
@Suite("End to end: errors", .timeLimit(.minutes(1)))
struct EndToEndErrorTests {
    @Test("a body that does not fit the arguments is 400, naming the field or the byte offset")
    func badRequests() async throws {
        try await EndToEnd.run { endToEnd in
            let wrongType = try await endToEnd.send(.POST, "/v1/echo/bob", body: #"{"count":"many"}"#)
            #expect(wrongType.status == 400)
            #expect(
                wrongType.body == #"""
                    {"error":{"code":"wrong_type","message":"expected i32 but found string",\#
                    "field":"$.req.count","offset":9}}
                    """#
            )

            let syntax = try await endToEnd.send(.POST, "/v1/echo/bob", body: #"{"count":1,}"#)
            #expect(syntax.status == 400)
            #expect(
                syntax.body == #"""
                    {"error":{"code":"invalid_json","message":"expected a string key but found '}'",\#
                    "field":"$.req","offset":11}}
                    """#
            )

            let badQuery = try await endToEnd.send(.POST, "/v1/echo/bob?count=x")
            #expect(badQuery.status == 400)
            #expect(
                badQuery.body == #"""
                    {"error":{"code":"invalid_value",\#
                    "message":"query parameter 'count': expected i32 but found \"x\"",\#
                    "field":"$.req.count"}}
                    """#
            )
        }
    }

    @Test("unknown paths are 404 and known paths with another method 405 with Allow")
    func notFoundAndNotAllowed() async throws {
        try await EndToEnd.run { endToEnd in
            let notFound = try await endToEnd.send(.GET, "/v2/nothing")
            #expect(notFound.status == 404)
            let message = "no route for GET /v2/nothing"
            #expect(notFound.body == #"{"error":{"code":"route_not_found","message":"\#(message)"}}"#)

            let notAllowed = try await endToEnd.send(.DELETE, "/v1/echo/bob")
            #expect(notAllowed.status == 405)
            #expect(notAllowed.headers["allow"] == ["GET, HEAD, POST"])
            #expect(notAllowed.body.contains(#""code":"method_not_allowed""#))
        }
    }

    @Test("a backend that is down is 502 at once, not after the timeouts")
    func backendDown() async throws {
        // Port 1 on loopback: nothing listens, so connecting is refused immediately.
        let settings = EndToEnd.Settings(timeout: "5s", connectTimeout: "5s", endpointPort: 1)
        try await EndToEnd.run(settings) { endToEnd in
            let started = ContinuousClock.now
            let response = try await endToEnd.send(.POST, "/v1/ping")
            #expect(response.status == 502)
            #expect(response.body.contains(#""code":"bad_gateway""#))
            #expect(ContinuousClock.now - started < .seconds(2))
        }
    }

    @Test("a backend that does not answer is 504 once the route's timeout has passed")
    func backendSlow() async throws {
        try await EndToEnd.run(.init(timeout: "300ms")) { endToEnd in
            let started = ContinuousClock.now
            let response = try await endToEnd.send(.POST, "/v1/hang")
            let elapsed = ContinuousClock.now - started
            #expect(response.status == 504)
            #expect(response.body.contains(#""code":"gateway_timeout""#))
            #expect(elapsed >= .milliseconds(300))
            #expect(elapsed < .seconds(3))

            // The connection the timed-out call used still serves the next call.
            let ping = try await endToEnd.send(.POST, "/v1/ping")
            #expect(ping.status == 204)
        }
    }
}
