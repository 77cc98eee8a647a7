import Logging
import NIOCore
import NIOPosix
import Synchronization
import Testing
@testable import SluiceClient

/// Client streaming and bidirectional calls: request messages written one by one within the stream's
/// flow-control window, then END_STREAM.
@Suite("gRPC client and bidirectional streaming")
struct GRPCClientStreamingTests {
    @Test("grpcio: messages sent one by one, then the end, make one reply", .enabled(if: GRPCTestServer.isEnabled))
    func clientStreaming() async throws {
        try await GRPCClientTests.withClient { client, loop in
            let (requests, reply) = client.clientStreamingCall(
                path: GRPCTestServer.service + "Join", timeout: .seconds(60), on: loop)
            for text in ["a", "b", "c"] { try await requests.send(ByteBuffer(string: text)).get() }
            requests.finish()
            let answer = try await reply.get()
            #expect(answer.isOK)
            #expect(answer.message.map { String(buffer: $0) } == "a,b,c")
            await #expect(throws: ClientError.self) { try await requests.send(ByteBuffer(string: "late")).get() }
        }
    }

    @Test("grpcio: a bidirectional call answers each message as it comes", .enabled(if: GRPCTestServer.isEnabled))
    func bidirectional() async throws {
        try await GRPCClientTests.withClient { client, loop in
            let received = GRPCServerStreamingTests.Received()
            let (requests, responses) = client.bidirectionalStreamingCall(
                path: GRPCTestServer.service + "EchoEach", timeout: .seconds(60), on: loop, onMessage: received.append)
            responses.request(.max)
            for index in 1...3 {
                try await requests.send(ByteBuffer(string: "\(index)")).get()
                // Ping-pong: the answer to each message comes before the next is sent.
                try await GRPCServerStreamingTests.eventually { received.count == index }
            }
            requests.finish()
            let reply = try await responses.reply.get()
            #expect(reply.isOK)
            #expect(received.messages.withLock { $0 } == ["echo 1", "echo 2", "echo 3"])
        }
    }

    @Test("sends beyond the stream's flow-control window wait for it, and fail when the call ends")
    func flowControl() async throws {
        // A server that never reads, so never opens the 64 KiB window further.
        try await GRPCConnectTests.withPeer(greeting: GRPCConnectTests.emptySettings) { port, group in
            let client = GRPCClient(
                configuration: GRPCClientConfiguration(endpoints: [Endpoint(host: "127.0.0.1", port: port)]),
                eventLoopGroup: group, logger: Logger(label: "grpc-test"))
            let loop = group.next()
            let (requests, reply) = client.clientStreamingCall(path: "/t.T/C", timeout: .milliseconds(500), on: loop)
            let written = Atomic<Int>(0)
            let failed = Atomic<Int>(0)
            let sends = (0..<10).map { _ in requests.send(ByteBuffer(repeating: 0x61, count: 16 * 1024)) }
            for send in sends {
                send.whenSuccess { written.add(1, ordering: .relaxed) }
                send.whenFailure { _ in failed.add(1, ordering: .relaxed) }
            }
            await #expect {
                _ = try await reply.get()
            } throws: { error in
                (error as? ClientError)?.kind == .requestTimeout
            }
            for send in sends { _ = try? await send.get() }
            // 64 KiB hold three whole 16 KiB messages (each with its 5-byte prefix), not ten.
            let sent = written.load(ordering: .relaxed)
            #expect(sent == 3)
            #expect(failed.load(ordering: .relaxed) == 10 - sent)
            await client.shutdown()
        }
    }
}
