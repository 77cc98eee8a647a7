import NIOCore
import NIOEmbedded
import Testing
@testable import SluiceClient

/// Each channel's handshake handler reports its own channel's outcome only.
@Suite("TLS handshake handler")
struct TLSHandshakeHandlerTests {
    static func channel(host: String = "127.0.0.1") throws -> (EmbeddedChannel, TLSHandshakeHandler) {
        let handler = TLSHandshakeHandler(endpoint: Endpoint(host: host, port: 9443), serverHostname: nil)
        let channel = EmbeddedChannel(handler: handler)
        return (channel, handler)
    }

    static func failure(_ handler: TLSHandshakeHandler) throws -> ClientError? {
        let future = try #require(handler.handshakeDone)
        do {
            try future.wait()
            return nil
        } catch {
            return error as? ClientError
        }
    }

    @Test("an error during the handshake fails it as a connect failure, saying why")
    func error() throws {
        let (channel, handler) = try Self.channel()
        channel.pipeline.fireErrorCaught(ChannelError.ioOnClosedChannel)
        let error = try Self.failure(handler)
        #expect(error?.kind == .connectFailed)
        #expect(error?.message == "TLS handshake with 127.0.0.1:9443 failed: \(ChannelError.ioOnClosedChannel)")
        _ = try? channel.finish()
    }

    @Test("a peer that closes during the handshake fails it")
    func closed() throws {
        let (channel, handler) = try Self.channel()
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 9443)).wait()
        _ = try channel.close().wait()
        #expect(try Self.failure(handler)?.message == "127.0.0.1:9443 closed the connection during the TLS handshake")
    }

    @Test("one channel's teardown leaves another channel's handshake pending")
    func independent() throws {
        let (loser, loserHandler) = try Self.channel()
        let (winner, winnerHandler) = try Self.channel()
        _ = try loser.finish()
        #expect(try Self.failure(loserHandler)?.kind == .connectFailed)
        let completed = Completed()
        try #require(winnerHandler.handshakeDone).whenComplete { _ in completed.value = true }
        #expect(!completed.value)
        _ = try? winner.finish()
        #expect(completed.value)
    }

    /// Set on the embedded channel's loop, which is the test's thread.
    final class Completed: @unchecked Sendable {
        var value = false
    }
}
