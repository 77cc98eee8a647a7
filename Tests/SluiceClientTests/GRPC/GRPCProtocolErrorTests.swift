import Logging
import NIOCore
import NIOHTTP2
import NIOPosix
import NIOSSL
import Synchronization
import Testing
@testable import SluiceClient

/// What real gRPC servers do not send but a call must survive with a clear error: bad responses, dead
/// connections, GOAWAY, unanswered keepalive PINGs, a TLS server that does not pick h2.
@Suite("gRPC client against broken peers")
struct GRPCProtocolErrorTests {
    typealias Fake = FakeGRPCServer

    static func withFake(
        configure: (inout GRPCClientConfiguration) -> Void = { _ in },
        _ answer: @escaping @Sendable (String) -> Fake.Answer,
        _ body: (GRPCClient, Fake, any EventLoop) async throws -> Void
    ) async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let server = try await Fake.start(group: group, answer: answer)
        var configuration = GRPCClientConfiguration(endpoints: [Endpoint(host: "127.0.0.1", port: server.port)])
        configure(&configuration)
        let client = GRPCClient(configuration: configuration, eventLoopGroup: group, logger: Logger(label: "grpc-test"))
        var failure: (any Error)?
        do { try await body(client, server, group.next()) } catch { failure = error }
        await client.shutdown()
        await server.stop()
        try await group.shutdownGracefully()
        if let failure { throw failure }
    }

    static func call(_ client: GRPCClient, on loop: any EventLoop, timeout: TimeAmount = .seconds(20)) async throws -> GRPCReply {
        try await client.call(path: "/t.T/M", message: ByteBuffer(string: "request"), timeout: timeout, on: loop).get()
    }

    static func failure(_ client: GRPCClient, on loop: any EventLoop) async -> ClientError? {
        do {
            _ = try await call(client, on: loop)
            return nil
        } catch {
            return error as? ClientError
        }
    }

    @Test("responses that are no gRPC answer fail with protocolError saying why", arguments: [
        ([Fake.headers([(":status", "503"), ("content-type", "application/grpc")], endStream: true)],
         "answered HTTP status 503 instead of 200, so it is no gRPC response"),
        ([Fake.headers([(":status", "200"), ("content-type", "text/html")]), Fake.data([], endStream: true)],
         "answered content-type 'text/html', not application/grpc"),
        ([Fake.okHeaders, Fake.data(Fake.message("reply"), endStream: true)], "ended the call without a grpc-status"),
        ([Fake.okHeaders, Fake.data(Fake.message("reply", flag: 1)), Fake.okTrailers],
         "sent a compressed message, though the client accepts no grpc-encoding"),
        ([Fake.okHeaders, Fake.data(Fake.message("a reply of 25 bytes......")), Fake.okTrailers],
         "sent a 25-byte message, over the 16-byte limit"),
        ([Fake.okHeaders, Fake.data(Array(Fake.message("reply").prefix(7))), Fake.okTrailers],
         "ended the stream inside a message (7 bytes of it received)"),
        ([Fake.okHeaders, Fake.headers([("grpc-status", "OK")], endStream: true)],
         "sent grpc-status 'OK', which is not a number"),
    ] as [([HTTP2Frame.FramePayload], String)])
    func badResponses(frames: [HTTP2Frame.FramePayload], reason: String) async throws {
        try await Self.withFake(configure: { $0.maxMessageSize = 16 }, { _ in .frames(frames) }) { client, server, loop in
            let error = await Self.failure(client, on: loop)
            #expect(error?.kind == .protocolError)
            #expect(error?.message == "127.0.0.1:\(server.port) \(reason) (gRPC call /t.T/M)")
        }
    }

    @Test("a message split across DATA frames (its prefix too) is put back together")
    func splitMessage() async throws {
        let bytes = Fake.message("split reply")
        try await Self.withFake({ _ in
            .frames([
                Fake.okHeaders, Fake.data(Array(bytes[0..<2])), Fake.data(Array(bytes[2..<9])),
                Fake.data(Array(bytes[9...])), Fake.headers([("grpc-status", "0"), ("x-extra", "1")], endStream: true),
            ])
        }) { client, _, loop in
            let reply = try await Self.call(client, on: loop)
            #expect(reply.message.map { String(buffer: $0) } == "split reply")
            #expect(reply.trailers.map(\.name) == ["grpc-status", "x-extra"])
        }
    }

    @Test("a trailers-only response: the status in the only HEADERS, no message")
    func trailersOnly() async throws {
        try await Self.withFake({ _ in
            .frames([
                Fake.headers(
                    [(":status", "200"), ("content-type", "application/grpc"), ("grpc-status", "7"), ("grpc-message", "denied%20here")],
                    endStream: true)
            ])
        }) { client, _, loop in
            let reply = try await Self.call(client, on: loop)
            #expect(reply.statusCode == 7)
            #expect(reply.statusMessage == "denied here")
            #expect(reply.message == nil)
            #expect(reply.headers.isEmpty)
        }
    }

    @Test("a server resetting the stream fails the call with connectionClosed")
    func resetStream() async throws {
        try await Self.withFake({ _ in .frames([.rstStream(.internalError)]) }) { client, server, loop in
            let error = await Self.failure(client, on: loop)
            #expect(error?.kind == .connectionClosed)
            #expect(error?.message.contains("127.0.0.1:\(server.port) reset the stream") == true)
        }
    }

    @Test("a connection that dies fails its calls at once, not at their deadline; the next call reconnects")
    func deadConnection() async throws {
        try await Self.withFake({ path in path == "/t.T/M" ? .closeConnection : .frames([Fake.okHeaders, Fake.okTrailers]) }) {
            client, server, loop in
            let error = await Self.failure(client, on: loop)
            #expect(error?.kind == .connectionClosed)
            #expect(error?.message.contains("closed before gRPC call /t.T/M ended") == true)
            let reply = try await client.call(path: "/t.T/Other", message: ByteBuffer(), timeout: .seconds(20), on: loop).get()
            #expect(reply.isOK)
            #expect(server.connections == 2)
        }
    }

    @Test("after GOAWAY the answered call stands and the next call goes to a new connection")
    func goAway() async throws {
        try await Self.withFake({ _ in .framesThenGoAway([Fake.okHeaders, Fake.data(Fake.message("r")), Fake.okTrailers]) }) {
            client, server, loop in
            let first = try await Self.call(client, on: loop)
            #expect(first.message.map { String(buffer: $0) } == "r")
            // The GOAWAY may still be on its way when the first reply is in: the calls that follow
            // land on a new connection once it arrives, never fail.
            for _ in 0..<20 where server.connections < 2 {
                let next = try await Self.call(client, on: loop)
                #expect(next.isOK)
            }
            #expect(server.connections == 2)
        }
    }

    /// Waits (a bounded number of turns, never asserting on time) for the server to count a reset.
    static func awaitCancelledStream(_ server: Fake) async throws -> Int {
        for _ in 0..<250 where server.cancelledStreams == 0 {
            try await Task.sleep(for: .milliseconds(20))
        }
        return server.cancelledStreams
    }

    @Test("at its deadline a call fails with requestTimeout and its stream is reset with CANCEL")
    func deadlineResets() async throws {
        try await Self.withFake({ _ in .hang }) { client, server, loop in
            await #expect {
                _ = try await Self.call(client, on: loop, timeout: .milliseconds(200))
            } throws: { error in
                error as? ClientError == ClientError(.requestTimeout, "gRPC call /t.T/M got no answer within 200 ms")
            }
            let cancelled = try await Self.awaitCancelledStream(server)
            #expect(cancelled == 1)
        }
    }

    @Test("a cancelled call fails with cancelled and its stream is reset with CANCEL")
    func cancellationResets() async throws {
        try await Self.withFake({ _ in .hang }) { client, server, loop in
            let cancellation = CallCancellation()
            let call = client.call(
                path: "/t.T/M", message: ByteBuffer(), timeout: .seconds(20), cancellation: cancellation, on: loop)
            // Cancelled once the stream is open: the server has seen a connection.
            for _ in 0..<250 where server.connections == 0 { try await Task.sleep(for: .milliseconds(20)) }
            try await Task.sleep(for: .milliseconds(50))
            cancellation.cancel()
            await #expect {
                _ = try await call.get()
            } throws: { error in
                error as? ClientError == ClientError(.cancelled, "gRPC call /t.T/M was cancelled")
            }
            let cancelled = try await Self.awaitCancelledStream(server)
            #expect(cancelled == 1)
        }
    }

    /// Counts the requests a fake server got, to answer the first ones differently.
    final class Requests: Sendable {
        private let count = Mutex(0)
        func next() -> Int { count.withLock { $0 += 1; return $0 } }
    }

    @Test("a stream the server refused unprocessed (REFUSED_STREAM) goes out again and gets its answer")
    func refusedStreamRetried() async throws {
        let requests = Requests()
        try await Self.withFake({ _ in
            requests.next() == 1
                ? .frames([.rstStream(.refusedStream)])
                : .frames([Fake.okHeaders, Fake.data(Fake.message("second")), Fake.okTrailers])
        }) { client, _, loop in
            let reply = try await Self.call(client, on: loop)
            #expect(reply.message.map { String(buffer: $0) } == "second")
            #expect(requests.next() == 3)
        }
    }

    @Test("a stream above a GOAWAY's last stream goes out again on a new connection")
    func goAwayLeftOutRetried() async throws {
        let requests = Requests()
        try await Self.withFake({ _ in
            requests.next() == 1
                ? .goAwayRefusing : .frames([Fake.okHeaders, Fake.data(Fake.message("new")), Fake.okTrailers])
        }) { client, server, loop in
            let reply = try await Self.call(client, on: loop)
            #expect(reply.message.map { String(buffer: $0) } == "new")
            #expect(server.connections == 2)
        }
    }
}
