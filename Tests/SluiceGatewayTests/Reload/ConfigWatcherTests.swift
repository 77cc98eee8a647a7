import Foundation
import Logging
import NIOCore
import Testing
@testable import SluiceGateway

/// A gateway that watches its files: a change is installed once it settles; a broken one is refused once and
/// not retried until the files change again.
@Suite("Config watcher")
struct ConfigWatcherTests {
    static func waitFor(_ what: String, _ condition: () -> Bool) async throws {
        let deadline = Date().addingTimeInterval(10)
        while !condition() {
            #expect(Date() < deadline, "\(what)")
            if Date() >= deadline { return }
            try await Task.sleep(nanoseconds: 20_000_000)
        }
    }

    @Test("route and IDL changes reload; a broken file is refused once and the running routes stay")
    func watches() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let idls = try TemporaryDirectory()
        defer { idls.remove() }
        try idls.write("echo.thrift", GatewayLoopbackTests.idl)
        func routes(_ path: String, call: String = "EchoService.Say") -> String {
            GatewayLoopbackTests.routes(path: path)
                .replacingOccurrences(of: "idl: echo.thrift", with: "idl: \(idls.path)/echo.thrift")
                .replacingOccurrences(of: "call: EchoService.Say", with: "call: \(call)")
        }
        try directory.write("echo.yaml", routes("/v1/echo/{req.name}"))
        let gateway = try await Gateway.start(
            configuration: Gateway.Configuration(
                port: 0, routesDirectory: directory.path, logLevel: .critical,
                watch: WatchSettings(interval: .milliseconds(30), quiet: .milliseconds(30))))
        defer { Task { try? await gateway.shutdown() } }
        func paths() -> [String] { gateway.currentConfiguration.routes.map(\.template.text) }

        try directory.write("echo.yaml", routes("/v2/echo/{req.name}"))
        try await Self.waitFor("the route file change") { paths() == ["/v2/echo/{req.name}"] }
        #expect(gateway.reloadLog.last?.trigger == "file")

        // The IDL, in another directory, gains a method a route then calls.
        try idls.write("echo.thrift", GatewayLoopbackTests.idl.replacingOccurrences(
            of: "EchoResponse Say(1: EchoRequest req)", with: "EchoResponse Say(1: EchoRequest req)\n  EchoResponse Shout(1: EchoRequest req)"))
        try await Self.waitFor("the IDL change") { gateway.reloadLog.succeeded == 2 }
        try directory.write("echo.yaml", routes("/v3/shout/{req.name}", call: "EchoService.Shout"))
        try await Self.waitFor("a route to the new method") { paths() == ["/v3/shout/{req.name}"] }

        let failedBefore = gateway.reloadLog.failed
        try directory.write("echo.yaml", "routes: [\n")
        try await Self.waitFor("the broken file refused") { gateway.reloadLog.failed == failedBefore + 1 }
        try await Task.sleep(nanoseconds: 300_000_000)
        #expect(gateway.reloadLog.failed == failedBefore + 1, "a refused change is not retried while the files stay")
        #expect(paths() == ["/v3/shout/{req.name}"])
        #expect(gateway.reloadLog.last?.diagnostics.first?.hasPrefix(directory.path + "/echo.yaml:") == true)

        try directory.write("echo.yaml", routes("/v4/echo/{req.name}"))
        try await Self.waitFor("the fixed file") { paths() == ["/v4/echo/{req.name}"] }
        try await gateway.shutdown()
    }
}
