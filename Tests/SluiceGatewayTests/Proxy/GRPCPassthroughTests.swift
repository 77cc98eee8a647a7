import Logging
import NIOCore
import NIOHTTP1
import Testing
@testable import SluiceGateway

/// gRPC pass-through is decided at the request head, by content type and `:path`, from a table the snapshot
/// builds out of the `protocol: grpc` services' descriptors; the gateway's own answers are gRPC statuses.
@Suite("gRPC pass-through")
struct GRPCPassthroughTests {
    static let proto = """
    syntax = "proto3";
    package relay.v1;
    message Note { string text = 1; }
    service Relay {
      rpc Unary(Note) returns (Note);
      rpc Split(Note) returns (stream Note);
      rpc Echo(stream Note) returns (stream Note);
    }
    """

    static let yaml = """
    services:
      - {name: relay, protocol: grpc, idl: relay.proto, endpoints: ["127.0.0.1:50051"]}
      - {name: secure, protocol: grpc, idl: relay.proto, endpoints: ["127.0.0.1:50052"], tls: {}}
    routes: []
    """

    private func dispatcher() throws -> (RequestDispatcher, RuntimeSnapshot) {
        let configuration = try #require(
            try ConfigFixture(["relay.proto": Self.proto, "a.yaml": Self.yaml]).run().configuration)
        let (snapshot, _) = RuntimeSnapshot.build(configuration: configuration, previous: nil) { clientConfiguration in
            FakeCaller(configuration: clientConfiguration) { _ in .failure(GatewayError(.internalError, "not called")) }
        }
        return (RequestDispatcher(state: RuntimeState(snapshot), logger: Logger(label: "test")), snapshot)
    }

    private func head(_ path: String, contentType: String = "application/grpc", version: HTTPVersion = .init(major: 2, minor: 0)) -> HTTPRequestHead {
        HTTPRequestHead(version: version, method: .POST, uri: path, headers: ["content-type": contentType])
    }

    @Test("every method of a gRPC service's descriptors, unary and streaming, is passed through to it over HTTP/2")
    func table() throws {
        let (dispatcher, snapshot) = try dispatcher()
        #expect(dispatcher.state.hasProxyRoutes)
        for method in ["Unary", "Split", "Echo"] {
            let proxied = try #require(dispatcher.proxyRoute(for: head("/relay.v1.Relay/\(method)")))
            #expect(proxied.route.grpc == .call)
            #expect(proxied.target == "/relay.v1.Relay/\(method)")
        }
        // The first service declaring a path has it; its upstream speaks h2c, a `tls:` one h2.
        #expect(dispatcher.proxyRoute(for: head("/relay.v1.Relay/Unary"))?.route.service == "relay")
        #expect(snapshot.upstreams["relay"]?.configuration.upstreamHTTP == .h2c)
        #expect(snapshot.upstreams["secure"]?.configuration.upstreamHTTP == .h2)
    }

    @Test("an unknown gRPC path is answered UNIMPLEMENTED; other content types and gRPC over HTTP/1.1 are not passed")
    func notPassedThrough() throws {
        let (dispatcher, _) = try dispatcher()
        #expect(dispatcher.proxyRoute(for: head("/relay.v1.Relay/Nope"))?.route.grpc == .unimplemented)
        #expect(dispatcher.proxyRoute(for: head("/relay.v1.Relay/Unary", contentType: "application/grpc+proto"))?.route.grpc == .call)
        #expect(dispatcher.proxyRoute(for: head("/relay.v1.Relay/Unary", contentType: "application/json")) == nil)
        #expect(dispatcher.proxyRoute(for: head("/relay.v1.Relay/Unary", version: .http1_1)) == nil)
        // gRPC-Web comes over HTTP/1.1 too.
        #expect(dispatcher.proxyRoute(for: head("/relay.v1.Relay/Unary", contentType: "application/grpc-web-text", version: .http1_1))?.route.grpc == .call)
    }

    @Test("content types", arguments: [
        ("application/grpc", true), ("application/grpc+proto", true), ("Application/GRPC; charset=x", true),
        ("application/grpc-web", false), ("application/grpc-web-text+proto", false), ("application/grpcx", false),
        ("application/json", false), ("application/grp", false),
    ])
    func contentTypes(contentType: String, isGRPC: Bool) {
        #expect(GRPCPassthrough.isGRPC(contentType: contentType) == isGRPC)
    }

    @Test("a method's full name becomes its gRPC path")
    func paths() {
        #expect(GRPCPassthrough.path(ofMethod: "a.b.Service.Method") == "/a.b.Service/Method")
        #expect(GRPCPassthrough.path(ofMethod: "Service.Method") == "/Service/Method")
        #expect(GRPCPassthrough.path(ofMethod: "Method") == nil)
    }

    @Test("grpc-timeout values", arguments: [
        ("1H", TimeAmount.hours(1)), ("2M", .minutes(2)), ("3S", .seconds(3)), ("400m", .milliseconds(400)),
        ("5u", .microseconds(5)), ("99999999n", .nanoseconds(99_999_999)),
    ])
    func timeouts(text: String, amount: TimeAmount) {
        #expect(GRPCTimeout.parse(text) == amount)
    }

    @Test("not grpc-timeout values", arguments: ["", "S", "10", "10s", "123456789S", "-1S", "1.5S"])
    func badTimeouts(text: String) {
        #expect(GRPCTimeout.parse(text) == nil)
    }

    @Test("the gateway's failures map to the gRPC codes clients expect")
    func codes() {
        #expect(GRPCStatusAnswer.code(for: GatewayError(.notImplemented, "")) == 12)
        #expect(GRPCStatusAnswer.code(for: GatewayError(.badGateway, "")) == 14)
        #expect(GRPCStatusAnswer.code(for: GatewayError(.gatewayTimeout, "")) == 4)
        #expect(GRPCStatusAnswer.code(for: GatewayError(.payloadTooLarge, "")) == 8)
        #expect(GRPCStatusAnswer.code(for: GatewayError(.flowBlocked, "")) == 8)
        #expect(GRPCStatusAnswer.code(for: GatewayError(.circuitOpen, "")) == 14)
        #expect(GRPCStatusAnswer.code(for: GatewayError(.internalError, "")) == 13)
        let headers = GRPCStatusAnswer.headers(code: 14, message: "down")
        #expect(headers.first(name: "content-type") == "application/grpc")
        #expect(headers.first(name: "grpc-status") == "14")
        #expect(headers.first(name: "grpc-message") == "down")
    }

    @Test("grpc-message is percent-encoded outside printable ASCII and for %")
    func messageEncoding() {
        #expect(GRPCStatusAnswer.percentEncoded("plain text: ok") == "plain text: ok")
        #expect(GRPCStatusAnswer.percentEncoded("100% é\n") == "100%25 %C3%A9%0A")
    }
}
