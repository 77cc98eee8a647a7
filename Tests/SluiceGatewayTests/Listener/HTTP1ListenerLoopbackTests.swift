import NIOCore
import NIOPosix
import Testing
@testable import SluiceGateway

/// Answers `{"path":"<path>"}`; paths starting `/slow` are answered 50 ms later, so a later pipelined request
/// is answered first and the listener has to restore the order.
private struct PathEchoHandler: GatewayRequestHandler {
    func handle<Responder: GatewayResponder>(
        _ request: GatewayRequest,
        on eventLoop: any EventLoop,
        allocator: ByteBufferAllocator,
        responder: Responder
    ) {
        let response = GatewayResponse(status: 200, body: allocator.buffer(string: #"{"path":"\#(request.path)"}"#))
        if request.path.hasPrefix("/slow") {
            eventLoop.assumeIsolated().scheduleTask(in: .milliseconds(50)) { responder.respond(response) }
        } else {
            responder.respond(response)
        }
    }
}

@Suite("HTTP/1.1 listener on loopback")
struct HTTP1ListenerLoopbackTests {
    @Test("pipelined requests in one segment, the first answered last, come back in order; HEAD has no body")
    func pipelinedOverSocket() async throws {
        let channel = try await Listener.bind(
            ListenerConfiguration(address: ListenAddress(host: "127.0.0.1", port: 0)),
            tls: nil,
            group: MultiThreadedEventLoopGroup.singleton,
            limits: ListenerLimits(maxBodySize: 1024, idleTimeout: .seconds(10)),
            websocket: nil,
            connections: ListenerConnections(),
            handler: PathEchoHandler()
        ).get()
        let port = try #require(channel.localAddress?.port)
        let requests = [
            "GET /slow HTTP/1.1\r\nHost: x\r\n\r\n",
            "POST /b HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
            "HEAD /c HTTP/1.1\r\nHost: x\r\n\r\n",
            "GET /d HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        ]
        let output = try await RawHTTPClient.exchange(port: port, requests.joined())
        let expected = [
            "HTTP/1.1 200 OK\r\nserver: sluice\r\ncontent-type: application/json\r\ncontent-length: 16\r\n\r\n{\"path\":\"/slow\"}",
            "HTTP/1.1 200 OK\r\nserver: sluice\r\ncontent-type: application/json\r\ncontent-length: 13\r\n\r\n{\"path\":\"/b\"}",
            "HTTP/1.1 200 OK\r\nserver: sluice\r\ncontent-type: application/json\r\ncontent-length: 13\r\n\r\n",
            "HTTP/1.1 200 OK\r\nserver: sluice\r\ncontent-type: application/json\r\ncontent-length: 13\r\nconnection: close\r\n\r\n{\"path\":\"/d\"}",
        ]
        #expect(output == expected.joined())
        try await channel.close()
    }
}
