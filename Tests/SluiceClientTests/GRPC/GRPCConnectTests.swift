import Logging
import NIOCore
import NIOPosix
import NIOSSL
import Testing
@testable import SluiceClient

/// Connections that never become usable HTTP/2, or stop answering: each fails the call clearly, and soon.
@Suite("gRPC connects and keepalive")
struct GRPCConnectTests {
    /// An empty SETTINGS frame: the server's connection preface, after which it answers nothing, PINGs included.
    static let emptySettings: [UInt8] = [0, 0, 0, 0x04, 0, 0, 0, 0, 0]

    static func withPeer(
        tls: NIOSSLContext? = nil,
        greeting: [UInt8],
        _ body: (Int, any EventLoopGroup) async throws -> Void
    ) async throws {
        try await RawPeer.serve(tls: tls, greeting: greeting, body)
    }

    static func failure(_ configuration: GRPCClientConfiguration, group: any EventLoopGroup) async -> ClientError? {
        let client = GRPCClient(configuration: configuration, eventLoopGroup: group, logger: Logger(label: "grpc-test"))
        var failure: ClientError?
        do {
            _ = try await client.call(path: "/t.T/M", message: ByteBuffer(), timeout: .seconds(20), on: group.next()).get()
        } catch {
            failure = error as? ClientError
        }
        await client.shutdown()
        return failure
    }

    @Test("a connection whose keepalive PING goes unanswered is closed, failing its call long before the deadline")
    func keepaliveTimeout() async throws {
        try await Self.withPeer(greeting: Self.emptySettings) { port, group in
            let error = await Self.failure(
                GRPCClientConfiguration(
                    endpoints: [Endpoint(host: "127.0.0.1", port: port)], keepaliveInterval: .milliseconds(100),
                    keepaliveTimeout: .milliseconds(100)),
                group: group)
            #expect(error?.kind == .connectionClosed)
            #expect(
                error?.message
                    == "127.0.0.1:\(port) did not answer a keepalive PING within 100 ms before gRPC call /t.T/M ended")
        }
    }

    @Test("a server that never sends its SETTINGS fails the connect within the connect timeout")
    func noSettings() async throws {
        try await Self.withPeer(greeting: []) { port, group in
            let error = await Self.failure(
                GRPCClientConfiguration(
                    endpoints: [Endpoint(host: "127.0.0.1", port: port)], connectTimeout: .milliseconds(200)),
                group: group)
            #expect(error?.kind == .connectTimeout)
            #expect(error?.message == "127.0.0.1:\(port) sent no HTTP/2 SETTINGS within 200 ms")
        }
    }

    @Test("an HTTP/1.1 server answering the HTTP/2 preface fails the connect saying it does not speak HTTP/2")
    func http1Only() async throws {
        let answer = Array("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".utf8)
        try await RawPeer.serve(greeting: answer, closeOnData: true) { port, group in
            let error = await Self.failure(
                GRPCClientConfiguration(endpoints: [Endpoint(host: "127.0.0.1", port: port)]), group: group)
            #expect(error?.kind == .connectFailed)
            #expect(error?.message.hasPrefix("127.0.0.1:\(port) does not speak HTTP/2: ") == true)
            // What the gateway tells its client: no address.
            #expect(error?.reason?.hasPrefix("does not speak HTTP/2, which gRPC needs") == true)
            #expect(error?.reason?.contains("127.0.0.1") == false)
        }
    }

    @Test("a server that closes the connection at the HTTP/2 preface fails the connect naming HTTP/2")
    func closedAtPreface() async throws {
        try await RawPeer.serve(closeOnData: true) { port, group in
            let error = await Self.failure(
                GRPCClientConfiguration(endpoints: [Endpoint(host: "127.0.0.1", port: port)]), group: group)
            #expect(error?.kind == .connectFailed)
            #expect(error?.message == "127.0.0.1:\(port) closed the connection before its HTTP/2 SETTINGS")
            #expect(error?.reason?.contains("may not speak HTTP/2") == true)
        }
    }

    @Test("a TLS server that does not pick h2 by ALPN fails the connect saying so")
    func alpnNotH2() async throws {
        let certificates = try GRPCTestServer.certificates.get()
        var server = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMBytes(Array(certificates.serverCertificate.utf8)).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(certificates.serverKey.utf8), format: .pem)))
        server.applicationProtocols = ["http/1.1"]
        let context = try NIOSSLContext(configuration: server)
        try await Self.withPeer(tls: context, greeting: []) { port, group in
            let error = await Self.failure(
                GRPCClientConfiguration(
                    endpoints: [Endpoint(host: "127.0.0.1", port: port)],
                    tls: ThriftClientTLS(trustRoots: try NIOSSLCertificate.fromPEMBytes(Array(certificates.ca.utf8)))),
                group: group)
            #expect(error?.kind == .connectFailed)
            #expect(
                error?.message
                    == "127.0.0.1:\(port) did not agree to HTTP/2 by ALPN (it chose no protocol); gRPC needs h2")
        }
    }

    @Test("a refused connect fails the call with connectFailed")
    func refused() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let refused = try RefusedPort()
        let error = await Self.failure(
            GRPCClientConfiguration(endpoints: [Endpoint(host: "127.0.0.1", port: refused.port)]), group: group)
        withExtendedLifetime(refused) {}
        #expect(error?.kind == .connectFailed)
        try await group.shutdownGracefully()
    }
}
