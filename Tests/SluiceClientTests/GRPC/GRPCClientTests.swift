import Logging
import NIOCore
import NIOPosix
import SluiceJSON
import Testing
@testable import SluiceClient

/// Unary calls against a real grpcio server: h2c and TLS, metadata both ways, statuses with details,
/// deadlines, cancellation, and queueing under the server's SETTINGS_MAX_CONCURRENT_STREAMS.
@Suite("gRPC client against grpcio", .enabled(if: GRPCTestServer.isEnabled, "python3 has no grpcio (pip install grpcio)"))
struct GRPCClientTests {
    static func withClient(
        port: KeyPath<GRPCTestServer.Ports, Int> = \.plain,
        tls: Bool = false,
        connections: Int = 1,
        _ body: (GRPCClient, any EventLoop) async throws -> Void
    ) async throws {
        let ports = try GRPCTestServer.ports()
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let client = GRPCClient(
            configuration: GRPCClientConfiguration(
                endpoints: [Endpoint(host: "127.0.0.1", port: ports[keyPath: port])],
                connectionsPerEndpoint: connections, tls: tls ? ports.trust : nil),
            eventLoopGroup: group, logger: Logger(label: "grpc-test"))
        var failure: (any Error)?
        do { try await body(client, group.next()) } catch { failure = error }
        await client.shutdown()
        try await group.shutdownGracefully()
        if let failure { throw failure }
    }

    static func call(
        _ client: GRPCClient, _ method: String, _ message: String = "", metadata: [(String, String)] = [],
        timeout: TimeAmount = .seconds(10), cancellation: CallCancellation? = nil, on loop: any EventLoop
    ) async throws -> GRPCReply {
        try await client.call(
            path: GRPCTestServer.service + method, message: ByteBuffer(string: message), metadata: metadata,
            timeout: timeout, cancellation: cancellation, on: loop
        ).get()
    }

    static func value(_ fields: [(name: String, value: String)], _ name: String) -> String? {
        fields.first { $0.name == name }?.value
    }

    @Test("a unary echo over h2c and over TLS: the message, metadata back as headers and trailers, OK status",
        arguments: [false, true])
    func echo(tls: Bool) async throws {
        try await Self.withClient(port: tls ? \.tls : \.plain, tls: tls) { client, loop in
            let reply = try await Self.call(
                client, "Echo", "hello \u{1F30D}", metadata: [("X-Echo-Name", "value 1"), ("x-echo-token-bin", "raw\u{1}")],
                on: loop)
            #expect(reply.statusCode == 0)
            #expect(reply.isOK)
            #expect(reply.message.map { String(buffer: $0) } == "hello \u{1F30D}")
            #expect(Self.value(reply.headers, "x-echo-name") == "value 1")
            #expect(Self.value(reply.trailers, "x-echo-name") == "value 1")
            #expect(Self.value(reply.headers, "content-type")?.hasPrefix("application/grpc") == true)
            // The server decoded the -bin value and sent it back base64 again.
            let token = Self.value(reply.headers, "x-echo-token-bin")
            #expect(token.flatMap { Base64.decode($0) } == Array("raw\u{1}".utf8))
            #expect(Self.value(reply.trailers, "grpc-status") == "0")
            // The one HTTP/2 connection the call opened, counted for operators.
            #expect(client.openConnections == 1)
        }
    }

    @Test("grpc-timeout carries the deadline to the server")
    func deadlineSent() async throws {
        try await Self.withClient { client, loop in
            let reply = try await Self.call(client, "Echo", timeout: .seconds(7), on: loop)
            let remaining = Self.value(reply.trailers, "x-deadline-ms").flatMap(Int.init)
            #expect(remaining.map { (1...7000).contains($0) } == true, "server saw \(String(describing: remaining)) ms")
        }
    }

    @Test("an empty response message is an empty buffer, not nil")
    func emptyMessage() async throws {
        try await Self.withClient { client, loop in
            let reply = try await Self.call(client, "Empty", "ignored", on: loop)
            #expect(reply.isOK)
            #expect(reply.message?.readableBytes == 0)
        }
    }

    @Test("a failed call is a reply: its code, its percent-decoded message, and its details bytes")
    func statusWithDetails() async throws {
        try await Self.withClient(port: \.tls, tls: true) { client, loop in
            let reply = try await Self.call(client, "Fail", on: loop)
            #expect(reply.statusCode == 5)
            #expect(reply.statusMessage == "no such thing: 100% gone \u{2713}")
            #expect(reply.statusDetails.map { Array(buffer: $0) } == [0x08, 0x05, 0x12, 0x0B] + Array("not found \u{2713}".utf8))
            #expect(reply.message == nil)
        }
    }

    @Test("an unknown method is the server's UNIMPLEMENTED status (a trailers-only response)")
    func unimplemented() async throws {
        try await Self.withClient { client, loop in
            let reply = try await Self.call(client, "NoSuchMethod", on: loop)
            #expect(reply.statusCode == 12)
            #expect(reply.headers.isEmpty)
            #expect(reply.message == nil)
        }
    }

    @Test("many concurrent calls share one connection's streams")
    func concurrentCalls() async throws {
        try await Self.withClient { client, loop in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<50 {
                    group.addTask {
                        let reply = try await Self.call(client, "Echo", "call \(index)", on: loop)
                        #expect(reply.message.map { String(buffer: $0) } == "call \(index)")
                    }
                }
                try await group.waitForAll()
            }
        }
    }

    @Test("past its deadline a call fails (our timer, or the server's DEADLINE_EXCEEDED), and the connection stays good")
    func deadline() async throws {
        try await Self.withClient { client, loop in
            // grpc-timeout gives the server the same deadline; whichever side's timer fires first ends the call.
            do {
                let reply = try await Self.call(client, "Slow", timeout: .milliseconds(300), on: loop)
                #expect(reply.statusCode == 4)
            } catch let error as ClientError {
                #expect(error == ClientError(.requestTimeout, "gRPC call /sluice.test.Test/Slow got no answer within 300 ms"))
            }
            let after = try await Self.call(client, "Echo", "after", on: loop)
            #expect(after.isOK)
        }
    }

    @Test("cancelling fails the call with cancelled and resets its stream, which the server sees")
    func cancellation() async throws {
        try await Self.withClient { client, loop in
            let before = try await Self.call(client, "CancelledCount", on: loop).message.map { String(buffer: $0) }
            let cancellation = CallCancellation()
            let call = client.call(
                path: GRPCTestServer.service + "Never", message: ByteBuffer(), timeout: .seconds(20),
                cancellation: cancellation, on: loop)
            // Cancelled once the server has the call: its answer to a later call on the same connection.
            _ = try await Self.call(client, "Echo", on: loop)
            cancellation.cancel()
            await #expect {
                _ = try await call.get()
            } throws: { error in
                (error as? ClientError)?.kind == .cancelled
            }
            // The server notices the RST_STREAM.
            var after = before
            for _ in 0..<200 where after == before {
                after = try await Self.call(client, "CancelledCount", on: loop).message.map { String(buffer: $0) }
                if after == before { try await Task.sleep(for: .milliseconds(20)) }
            }
            #expect(after != before)
        }
    }

    @Test("beyond the server's max concurrent streams calls queue on the connection instead of failing")
    func queueing() async throws {
        try await Self.withClient(port: \.limited, connections: 1) { client, loop in
            let peaks = try await withThrowingTaskGroup(of: String?.self) { group in
                for _ in 0..<4 {
                    group.addTask { try await Self.call(client, "Concurrency", on: loop).message.map { String(buffer: $0) } }
                }
                return try await group.reduce(into: [String?]()) { $0.append($1) }
            }
            #expect(peaks == ["1", "1", "1", "1"])
        }
    }

    @Test("a call queued for a stream fails at its own deadline")
    func queuedDeadline() async throws {
        try await Self.withClient(port: \.limited, connections: 1) { client, loop in
            let cancellation = CallCancellation()
            let holder = client.call(
                path: GRPCTestServer.service + "Never", message: ByteBuffer(), timeout: .seconds(20),
                cancellation: cancellation, on: loop)
            await #expect {
                _ = try await Self.call(client, "Echo", timeout: .milliseconds(300), on: loop)
            } throws: { error in
                (error as? ClientError)?.kind == .requestTimeout
            }
            cancellation.cancel()
            _ = try? await holder.get()
            // The stream is free again.
            let freed = try await Self.call(client, "Echo", on: loop)
            #expect(freed.isOK)
        }
    }

    @Test("a call made on a loop outside the client's group hops to it and completes on the caller's loop")
    func foreignLoop() async throws {
        try await Self.withClient { client, _ in
            let other = MultiThreadedEventLoopGroup(numberOfThreads: 1)
            let loop = other.next()
            let future = client.call(
                path: GRPCTestServer.service + "Echo", message: ByteBuffer(string: "x"), timeout: .seconds(60), on: loop)
            #expect(future.eventLoop === loop)
            #expect(try await future.get().isOK)
            try await other.shutdownGracefully()
        }
    }

    @Test("TLS to a server whose certificate is not trusted (the system's roots) fails the call with connectFailed")
    func untrusted() async throws {
        let ports = try GRPCTestServer.ports()
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let client = GRPCClient(
            configuration: GRPCClientConfiguration(
                endpoints: [Endpoint(host: "127.0.0.1", port: ports.tls)], tls: ThriftClientTLS()),
            eventLoopGroup: group, logger: Logger(label: "grpc-test"))
        await #expect {
            _ = try await Self.call(client, "Echo", on: group.next())
        } throws: { error in
            (error as? ClientError)?.kind == .connectFailed
        }
        await client.shutdown()
        try await group.shutdownGracefully()
    }
}
