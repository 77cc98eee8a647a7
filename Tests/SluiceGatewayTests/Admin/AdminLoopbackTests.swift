import Foundation
import Logging
import Testing
@testable import SluiceGateway

/// The admin listener of a real gateway on loopback: its token, its views of the running configuration, and
/// reloads through it.
@Suite("Admin API on loopback")
struct AdminLoopbackTests {
    static func start(_ directory: TemporaryDirectory, token: String? = "s3cret") async throws -> (Gateway, Int) {
        try directory.write("echo.thrift", GatewayLoopbackTests.idl)
        try directory.write("echo.yaml", GatewayLoopbackTests.routes(path: "/v1/echo/{req.name}"))
        let gateway = try await Gateway.start(
            configuration: Gateway.Configuration(
                port: 0, routesDirectory: directory.path, logLevel: .critical,
                admin: AdminSettings(address: ListenAddress(host: "127.0.0.1", port: 0), token: token)))
        let port = try #require(gateway.adminPort)
        return (gateway, port)
    }

    static func get(_ port: Int, _ path: String, token: String? = "s3cret", method: String = "GET") async throws -> (status: Int, body: String) {
        let authorization = token.map { "Authorization: Bearer \($0)\r\n" } ?? ""
        let response = try await RawHTTPClient.exchange(
            port: port, "\(method) \(path) HTTP/1.1\r\nHost: x\r\n\(authorization)Content-Length: 0\r\nConnection: close\r\n\r\n")
        let status = Int(response.split(separator: " ", maxSplits: 2)[1]) ?? 0
        let body = response.range(of: "\r\n\r\n").map { String(response[$0.upperBound...]) } ?? ""
        return (status, body)
    }

    static func json(_ body: String) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
    }

    @Test("/healthz needs no token; the rest answer 401 without it, and the token never shows")
    func token() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (gateway, port) = try await Self.start(directory)
        #expect(try await Self.get(port, "/healthz", token: nil) == (200, "{\"status\":\"ok\"}\n"))
        for path in ["/readyz", "/admin/routes", "/admin/services", "/admin/config"] {
            #expect(try await Self.get(port, path, token: nil).status == 401, "\(path)")
            #expect(try await Self.get(port, path, token: "wrong").status == 401, "\(path)")
            #expect(try await Self.get(port, path).status == 200, "\(path)")
        }
        #expect(try await Self.get(port, "/admin/reload", token: nil, method: "POST").status == 401)
        let config = try await Self.get(port, "/admin/config").body
        #expect(!config.contains("s3cret"))
        #expect(config.contains(#""token":"[redacted]""#))
        #expect(try await Self.get(port, "/admin/nope").status == 404)
        #expect(try await Self.get(port, "/admin/routes", method: "POST").status == 405)
        try await gateway.shutdown()
        await #expect(throws: (any Error).self) { _ = try await Self.get(port, "/healthz") }
    }

    @Test("routes, services and readiness show the running snapshot")
    func views() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (gateway, port) = try await Self.start(directory, token: nil)
        let routes = try Self.json(try await Self.get(port, "/admin/routes").body)["routes"] as? [[String: Any]]
        #expect(routes?.count == 1)
        #expect(routes?.first?["path"] as? String == "/v1/echo/{req.name}")
        #expect(routes?.first?["call"] as? String == "EchoService.Say")
        #expect((routes?.first?["origin"] as? String)?.hasSuffix("echo.yaml:9:5") == true)
        let services = try Self.json(try await Self.get(port, "/admin/services").body)["services"] as? [[String: Any]]
        let echo = try #require(services?.first)
        #expect(echo["name"] as? String == "echo")
        #expect(echo["transport"] as? String == "framed")
        #expect(echo["timeout_ms"] as? Int == 500)
        let endpoints = echo["endpoints"] as? [[String: Any]]
        #expect(endpoints?.map { $0["address"] as? String } == ["127.0.0.1:1"])
        let ready = try await Self.get(port, "/readyz")
        #expect(ready.status == 200)
        #expect(try Self.json(ready.body)["ready"] as? Bool == true)
        try await gateway.shutdown()
    }

    @Test("POST /admin/reload installs a valid change, refuses a broken one with its positions, and counts both")
    func reload() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (gateway, port) = try await Self.start(directory)
        try directory.write("echo.yaml", GatewayLoopbackTests.routes(path: "/v2/{req.nope}"))
        let refused = try await Self.get(port, "/admin/reload", method: "POST")
        #expect(refused.status == 422)
        let errors = try Self.json(refused.body)["errors"] as? [String]
        #expect(errors?.count == 1)
        #expect(errors?.first?.contains("echo.yaml:9:") == true)
        #expect(gateway.currentConfiguration.routes.map(\.template.text) == ["/v1/echo/{req.name}"])

        try directory.write("echo.yaml", GatewayLoopbackTests.routes(path: "/v2/echo/{req.name}"))
        let installed = try await Self.get(port, "/admin/reload", method: "POST")
        #expect(installed.status == 200)
        #expect(try Self.json(installed.body)["reloaded"] as? Bool == true)
        #expect(gateway.currentConfiguration.routes.map(\.template.text) == ["/v2/echo/{req.name}"])

        let reloads = try Self.json(try await Self.get(port, "/admin/config").body)["reloads"] as? [String: Any]
        #expect(reloads?["succeeded"] as? Int == 1)
        #expect(reloads?["failed"] as? Int == 1)
        #expect((reloads?["last"] as? [String: Any])?["trigger"] as? String == "admin")
        try await gateway.shutdown()
    }

    @Test("a chosen admin address that is taken fails the start; a non-loopback one without a token is refused")
    func bindFailures() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (gateway, port) = try await Self.start(directory)
        await #expect(throws: ListenerSetupError.self) {
            _ = try await Gateway.start(
                configuration: Gateway.Configuration(
                    port: 0, routesDirectory: directory.path, logLevel: .critical,
                    admin: AdminSettings(address: ListenAddress(host: "127.0.0.1", port: port))))
        }
        // The default address taken: the gateway starts without an admin listener.
        let second = try await Gateway.start(
            configuration: Gateway.Configuration(
                port: 0, routesDirectory: directory.path, logLevel: .critical,
                admin: AdminSettings(address: ListenAddress(host: "127.0.0.1", port: port), isDefault: true)))
        #expect(second.adminPort == nil)
        try await second.shutdown()
        await #expect(throws: ListenerSetupError.self) {
            _ = try await Gateway.start(
                configuration: Gateway.Configuration(
                    port: 0, routesDirectory: directory.path, logLevel: .critical,
                    admin: AdminSettings(address: ListenAddress(host: "0.0.0.0", port: 0))))
        }
        try await gateway.shutdown()
    }

    @Test("pipelined requests are answered in order, however far ahead the client sends")
    func pipelining() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (gateway, port) = try await Self.start(directory, token: nil)
        let four = String(repeating: "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", count: 4)
        let inOrder = try await RawHTTPClient.exchange(port: port, four + "GET /nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        #expect(inOrder.components(separatedBy: "HTTP/1.1 200 OK").count == 5)
        #expect(inOrder.hasSuffix("\"code\":\"not_found\",\"message\":\"no admin endpoint /nope (there are: GET /healthz, GET /readyz, GET /admin/routes, GET /admin/services, GET /admin/config, GET /admin/flow, GET /admin/rules, POST /admin/reload, GET /metrics, GET /, GET /dashboard.js)\"}}\n"))
        let flood = String(repeating: "GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n", count: 100)
        let all = try await RawHTTPClient.exchange(port: port, flood + "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        #expect(all.components(separatedBy: "HTTP/1.1 200 OK").count - 1 == 101)
        #expect(all.hasSuffix("{\"status\":\"ok\"}\n"))
        try await gateway.shutdown()
    }
}
