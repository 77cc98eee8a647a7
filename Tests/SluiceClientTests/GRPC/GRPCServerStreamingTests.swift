import Logging
import NIOCore
import NIOPosix
import Synchronization
import Testing
@testable import SluiceClient

/// Server streaming: messages one by one as the consumer asks, the status after the last, and a slow consumer
/// holding back the server through HTTP/2 flow control.
@Suite("gRPC server streaming")
struct GRPCServerStreamingTests {
    /// Collects a stream's messages.
    final class Received: Sendable {
        let messages = Mutex<[String]>([])
        var count: Int { messages.withLock { $0.count } }
        func append(_ message: ByteBuffer) { messages.withLock { $0.append(String(buffer: message)) } }
    }

    /// Waits (a bounded number of turns, never asserting on time) until `condition` holds.
    static func eventually(_ condition: () -> Bool) async throws {
        for _ in 0..<250 where !condition() { try await Task.sleep(for: .milliseconds(20)) }
    }

    @Test("grpcio: every message in order, then the OK status", .enabled(if: GRPCTestServer.isEnabled))
    func countUp() async throws {
        try await GRPCClientTests.withClient { client, loop in
            let received = Received()
            let stream = client.serverStreamingCall(
                path: GRPCTestServer.service + "CountUp", message: ByteBuffer(string: "5"), timeout: .seconds(60),
                on: loop, onMessage: received.append)
            stream.request(.max)
            let reply = try await stream.reply.get()
            #expect(reply.statusCode == 0)
            #expect(reply.message == nil)
            #expect(received.messages.withLock { $0 } == (0..<5).map { "message \($0)" })
        }
    }

    @Test("grpcio: a status after some messages comes after them", .enabled(if: GRPCTestServer.isEnabled))
    func errorAfterMessages() async throws {
        try await GRPCClientTests.withClient { client, loop in
            let received = Received()
            let stream = client.serverStreamingCall(
                path: GRPCTestServer.service + "CountUp", message: ByteBuffer(string: "3!"), timeout: .seconds(60),
                on: loop, onMessage: received.append)
            stream.request(.max)
            let reply = try await stream.reply.get()
            #expect(reply.statusCode == 10)
            #expect(reply.statusMessage == "stopped after the messages")
            #expect(received.messages.withLock { $0 } == ["message 0", "message 1", "message 2"])
        }
    }

    @Test("no message before it is asked for, one per request, and the status only after the last was taken")
    func demand() async throws {
        let frames = [FakeGRPCServer.okHeaders]
            + (0..<3).map { FakeGRPCServer.data(FakeGRPCServer.message("m\($0)")) } + [FakeGRPCServer.okTrailers]
        try await GRPCProtocolErrorTests.withFake({ _ in .frames(frames) }) { client, _, loop in
            let received = Received()
            let stream = client.serverStreamingCall(
                path: "/t.T/S", message: ByteBuffer(), timeout: .seconds(20), on: loop, onMessage: received.append)
            stream.request()
            try await Self.eventually { received.count == 1 }
            stream.request()
            try await Self.eventually { received.count == 2 }
            // Everything is in, but the last message was not asked for: no status yet.
            let ended = Atomic<Bool>(false)
            stream.reply.whenComplete { _ in ended.store(true, ordering: .relaxed) }
            try await Task.sleep(for: .milliseconds(100))
            let endedEarly = ended.load(ordering: .relaxed)
            #expect(!endedEarly)
            #expect(received.messages.withLock { $0 } == ["m0", "m1"])
            stream.request()
            let reply = try await stream.reply.get()
            #expect(reply.isOK)
            #expect(received.messages.withLock { $0 } == ["m0", "m1", "m2"])
        }
    }

    @Test("a consumer that stops asking holds the server back at the flow-control window")
    func backpressure() async throws {
        // 200 messages of 16 KiB: 3.2 MB, fifty times the 64 KiB windows NIOHTTP2 opens by default.
        let payload = String(repeating: "x", count: 16 * 1024)
        let frames = [FakeGRPCServer.okHeaders]
            + Array(repeating: FakeGRPCServer.data(FakeGRPCServer.message(payload)), count: 200) + [FakeGRPCServer.okTrailers]
        try await GRPCProtocolErrorTests.withFake({ _ in .frames(frames) }) { client, server, loop in
            let received = Received()
            let stream = client.serverStreamingCall(
                path: "/t.T/S", message: ByteBuffer(), timeout: .seconds(20), on: loop, onMessage: received.append)
            stream.request()
            try await Self.eventually { received.count == 1 }
            // Give the server every chance to send more than it may.
            try await Task.sleep(for: .milliseconds(300))
            #expect(received.count == 1)
            #expect(server.dataFramesSent < 20, "the server sent \(server.dataFramesSent) of 200 messages")
            stream.request(.max)
            let reply = try await stream.reply.get()
            #expect(reply.isOK)
            #expect(received.count == 200)
            #expect(server.dataFramesSent == 200)
        }
    }

    @Test("the deadline covers the whole stream: a stream still going fails with requestTimeout")
    func deadline() async throws {
        let frames = [FakeGRPCServer.okHeaders, FakeGRPCServer.data(FakeGRPCServer.message("one"))]
        try await GRPCProtocolErrorTests.withFake({ _ in .frames(frames) }) { client, _, loop in
            let received = Received()
            let stream = client.serverStreamingCall(
                path: "/t.T/S", message: ByteBuffer(), timeout: .milliseconds(300), on: loop, onMessage: received.append)
            stream.request(.max)
            await #expect {
                _ = try await stream.reply.get()
            } throws: { error in
                error as? ClientError == ClientError(.requestTimeout, "gRPC call /t.T/S did not end within 300 ms")
            }
            #expect(received.messages.withLock { $0 } == ["one"])
        }
    }
}
