import Foundation
import Logging
import NIOCore
import Testing
@testable import SluiceGateway

/// The whole gateway on a real loopback socket, with real route files and IDL; the backend port is closed,
/// so calls fail the way a dead backend fails.
@Suite("Gateway on loopback")
struct GatewayLoopbackTests {
    static let idl = """
    struct EchoRequest { 1: string name }
    struct EchoResponse { 1: string text }
    service EchoService {
      EchoResponse Say(1: EchoRequest req)
    }
    """

    static func routes(path: String) -> String {
        """
        services:
          - name: echo
            idl: echo.thrift
            transport: framed
            endpoints: ["127.0.0.1:1"]
            timeout: 500ms
            connect_timeout: 200ms
        routes:
          - {method: POST, path: "\(path)", service: echo, call: EchoService.Say, body: req}
        """
    }

    @Test("404, 405, 400, 502 from a dead backend, and reload that only swaps in a valid config")
    func endToEnd() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("echo.thrift", Self.idl)
        try directory.write("echo.yaml", Self.routes(path: "/v1/echo/{req.name}"))
        let gateway = try await Gateway.start(
            configuration: Gateway.Configuration(port: 0, routesDirectory: directory.path, logLevel: .critical)
        )
        #expect(gateway.localPort > 0)

        let notFound = try await RawHTTPClient.exchange(port: gateway.localPort, "GET /nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        #expect(notFound.hasPrefix("HTTP/1.1 404 Not Found\r\n"))
        #expect(notFound.contains("server: sluice\r\n"))
        #expect(notFound.hasSuffix(#"{"error":{"code":"route_not_found","message":"no route for GET /nope"}}"#))

        let wrongMethod = try await RawHTTPClient.exchange(port: gateway.localPort, "GET /v1/echo/x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        #expect(wrongMethod.hasPrefix("HTTP/1.1 405 Method Not Allowed\r\n"))
        #expect(wrongMethod.contains("allow: POST\r\n"))

        let badBody = try await RawHTTPClient.exchange(
            port: gateway.localPort,
            "POST /v1/echo/x HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nConnection: close\r\n\r\n{\"a\":"
        )
        #expect(badBody.hasPrefix("HTTP/1.1 400 Bad Request\r\n"))

        let deadBackend = try await RawHTTPClient.exchange(
            port: gateway.localPort,
            "POST /v1/echo/x HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}"
        )
        #expect(deadBackend.hasPrefix("HTTP/1.1 502 Bad Gateway\r\n") || deadBackend.hasPrefix("HTTP/1.1 504 Gateway Timeout\r\n"))
        #expect(deadBackend.contains("content-type: application/json"))

        // A broken route file is refused and the running routes stay.
        try directory.write("echo.yaml", Self.routes(path: "/v2/{req.nope}"))
        await #expect(throws: ConfigErrors.self) { try await gateway.reload() }
        #expect(gateway.currentConfiguration.routes.map(\.template.text) == ["/v1/echo/{req.name}"])

        // A good one replaces them.
        try directory.write("echo.yaml", Self.routes(path: "/v2/echo/{req.name}"))
        try await gateway.reload()
        let moved = try await RawHTTPClient.exchange(port: gateway.localPort, "POST /v1/echo/x HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}")
        #expect(moved.hasPrefix("HTTP/1.1 404"))

        try await gateway.shutdown()
    }

    @Test("shutdown closes idle keep-alive connections and stops listening")
    func shutdownClosesConnections() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("echo.thrift", Self.idl)
        try directory.write("echo.yaml", Self.routes(path: "/v1/echo/{req.name}"))
        let gateway = try await Gateway.start(
            configuration: Gateway.Configuration(port: 0, routesDirectory: directory.path, logLevel: .critical)
        )
        let port = gateway.localPort
        // Keep-alive: after its response the connection stays open until the server closes it.
        let exchange = try await RawHTTPClient.open(port: port, "GET /nope HTTP/1.1\r\nHost: x\r\n\r\n")
        try await exchange.firstRead.get()
        try await gateway.shutdown()
        let response = try await exchange.everything.get()
        #expect(response.hasPrefix("HTTP/1.1 404"))
        try await gateway.shutdown()  // a second call does nothing
        await #expect(throws: (any Error).self) {
            _ = try await RawHTTPClient.exchange(port: port, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        }
    }

    @Test("start fails with every route file error")
    func startFails() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("echo.thrift", Self.idl)
        try directory.write("echo.yaml", Self.routes(path: "/v1/{req.nope}") + "\n    bad_key: 1\n")
        await #expect(throws: ConfigErrors.self) {
            _ = try await Gateway.start(configuration: Gateway.Configuration(port: 0, routesDirectory: directory.path, logLevel: .critical))
        }
    }
}
