import Foundation
import NIOCore
import NIOEmbedded
import NIOHTTP1
@testable import SluiceGateway

/// Answers every request with `{"method":..,"path":..,"query":..,"body":<bytes>}`; requests for paths
/// starting `/slow` are answered only when ``releaseSlow()`` runs (on the loop), to test ordering.
final class RecordingHandler: GatewayRequestHandler, @unchecked Sendable {
    // @unchecked: only touched on the EmbeddedEventLoop's single thread.
    var requests: [GatewayRequest] = []
    var pendingSlow: [() -> Void] = []

    func handle<Responder: GatewayResponder>(
        _ request: GatewayRequest,
        on eventLoop: any EventLoop,
        allocator: ByteBufferAllocator,
        responder: Responder
    ) {
        requests.append(request)
        let body = #"{"method":"\#(request.method)","path":"\#(request.path)","query":"\#(request.query)","body":\#(request.body?.readableBytes ?? -1)}"#
        let response = GatewayResponse(status: 200, body: allocator.buffer(string: body))
        if request.path.hasPrefix("/slow") {
            pendingSlow.append { responder.respond(response) }
        } else {
            responder.respond(response)
        }
    }

    func releaseSlow() {
        let pending = pendingSlow
        pendingSlow = []
        for respond in pending { respond() }
    }
}

/// An HTTP/1.1 server pipeline on an EmbeddedChannel, fed raw bytes and read back as raw bytes.
struct HTTP1Harness {
    let channel = EmbeddedChannel()
    let handler = RecordingHandler()

    init(
        maxBodySize: Int = 1 << 20, maxHeaderBytes: Int = 64 << 10, idleTimeout: TimeAmount = .seconds(60),
        headerTimeout: TimeAmount = .seconds(10), maxPendingRequests: Int = 16, webSocket: WebSocketSettings? = nil
    ) throws {
        try HTTP1Listener.configure(
            channel.pipeline.syncOperations,
            handler: handler,
            limits: ListenerLimits(
                maxBodySize: maxBodySize, maxHeaderBytes: maxHeaderBytes, idleTimeout: idleTimeout, headerTimeout: headerTimeout),
            websocket: webSocket,
            maxPendingRequests: maxPendingRequests
        )
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
    }

    func send(_ text: String) throws {
        try channel.writeInbound(channel.allocator.buffer(string: text))
    }

    /// Everything written so far, as text.
    func output() throws -> String {
        var text = ""
        while var buffer = try channel.readOutbound(as: ByteBuffer.self) {
            text += buffer.readString(length: buffer.readableBytes) ?? ""
        }
        return text
    }

    /// Splits raw output into responses (each with a Content-Length body).
    static func responses(_ output: String) -> [(head: String, body: String)] {
        var rest = Substring(output)
        var result: [(String, String)] = []
        while let end = rest.range(of: "\r\n\r\n") {
            let head = String(rest[..<end.lowerBound])
            let lengthLine = head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
            let length = lengthLine.flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? 0
            let bodyStart = end.upperBound
            let bodyEnd = rest.index(bodyStart, offsetBy: length)
            result.append((head, String(rest[bodyStart..<bodyEnd])))
            rest = rest[bodyEnd...]
        }
        return result
    }
}
