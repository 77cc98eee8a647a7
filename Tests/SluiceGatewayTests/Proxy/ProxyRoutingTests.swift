import Logging
import NIOCore
import NIOEmbedded
import NIOHTTP1
import NIOPosix
import SluiceClient
import Testing
@testable import SluiceGateway

/// Which requests are proxied is decided at their head, through the same router as RPC routes.
@Suite("Proxy routing")
struct ProxyRoutingTests {
    static let yaml = echoServiceYAML + """
      - {name: web, protocol: http, endpoints: ["http://127.0.0.1:9000"]}
    routes:
      - {method: GET, path: /v1/ping, service: echo, call: EchoService.Ping}
      - {method: "*", path: "/static/{rest=**}", service: web, rewrite: "/assets/{rest}"}
    """

    private func dispatcher(_ yaml: String) throws -> (RequestDispatcher, RuntimeSnapshot) {
        let configuration = try #require(try ConfigFixture(["echo.yaml": yaml]).run().configuration)
        let (snapshot, _) = RuntimeSnapshot.build(configuration: configuration, previous: nil) { clientConfiguration in
            FakeCaller(configuration: clientConfiguration) { _ in .failure(GatewayError(.internalError, "not called")) }
        }
        return (RequestDispatcher(state: RuntimeState(snapshot), logger: Logger(label: "test")), snapshot)
    }

    @Test("a proxy route's head is taken with its upstream target; RPC routes and unknown paths are not")
    func atHead() throws {
        let (dispatcher, _) = try dispatcher(Self.yaml)
        let proxied = dispatcher.proxyRoute(for: HTTPRequestHead(version: .http1_1, method: .DELETE, uri: "/static/a/b%20c?x=1"))
        #expect(proxied?.route.service == "web")
        #expect(proxied?.target == "/assets/a/b%20c?x=1")
        #expect(dispatcher.proxyRoute(for: HTTPRequestHead(version: .http1_1, method: .GET, uri: "/v1/ping")) == nil)
        #expect(dispatcher.proxyRoute(for: HTTPRequestHead(version: .http1_1, method: .GET, uri: "/nope")) == nil)
    }

    @Test("without proxy routes nothing is routed at the head")
    func noProxyRoutes() throws {
        let (dispatcher, snapshot) = try dispatcher(echoServiceYAML + "routes:\n  - {method: GET, path: /v1/ping, service: echo, call: EchoService.Ping}\n")
        #expect(snapshot.proxyRoutes.isEmpty)
        #expect(!dispatcher.state.hasProxyRoutes)
        #expect(dispatcher.proxyRoute(for: HTTPRequestHead(version: .http1_1, method: .GET, uri: "/v1/ping")) == nil)
    }

    @Test("a whole request (a WebSocket message) to a proxy route goes upstream; an unreachable one is a 502")
    func collectedRequest() throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        // A port that was just free: nothing listens there.
        let closed = try ServerBootstrap(group: group).bind(host: "127.0.0.1", port: 0).wait()
        let port = try #require(closed.localAddress?.port)
        try closed.close().wait()
        let (dispatcher, _) = try dispatcher(Self.yaml.split(separator: ":9000", omittingEmptySubsequences: false).joined(separator: ":\(port)"))
        let loop = group.next()
        let answered = loop.makePromise(of: GatewayResponse.self)
        try loop.submit {
            let request = GatewayRequest(method: "GET", target: "/static/x", headers: GatewayHeaders(), body: nil)
            dispatcher.handle(request, on: loop, allocator: ByteBufferAllocator(), responder: PromiseResponder(promise: answered))
        }.wait()
        let response = try answered.futureResult.wait()
        #expect(response.status == 502)
        #expect(response.body.map { String(buffer: $0) }?.contains("'web'") == true)
    }

    @Test("a reload keeps the upstream (and its connections) of an unchanged http service")
    func reloadKeepsUpstream() throws {
        let configuration = try #require(try ConfigFixture(["echo.yaml": Self.yaml]).run().configuration)
        let make = { (clientConfiguration: ThriftClientConfiguration) -> any ThriftCaller in
            FakeCaller(configuration: clientConfiguration) { _ in .failure(GatewayError(.internalError, "not called")) }
        }
        let (first, _) = RuntimeSnapshot.build(configuration: configuration, previous: nil, makeCaller: make)
        let (second, _) = RuntimeSnapshot.build(configuration: configuration, previous: first, makeCaller: make)
        #expect(first.upstreams["web"] === second.upstreams["web"])
        var changed = configuration
        changed.services[1].requestTimeout = .seconds(9)
        let (third, _) = RuntimeSnapshot.build(configuration: changed, previous: second, makeCaller: make)
        #expect(third.upstreams["web"] !== second.upstreams["web"])
    }
}

private struct PromiseResponder: GatewayResponder {
    let promise: EventLoopPromise<GatewayResponse>

    func respond(_ response: GatewayResponse) { promise.succeed(response) }
}
