import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// A complete HTTP/1.1 response as a test reads it.
struct HTTPTestResponse: Sendable {
    var status: Int
    var headers: HTTPHeaders
    var body: String

    func decode<Value: Decodable>(_ type: Value.Type) throws -> Value {
        try JSONDecoder().decode(type, from: Data(body.utf8))
    }
}

struct HTTPTestClientError: Error, CustomStringConvertible {
    var description: String
}

/// A minimal HTTP/1.1 client over NIO's client codec: one request per connection, then the connection closes.
enum HTTPTestClient {
    static func send(
        _ method: HTTPMethod,
        _ target: String,
        headers: [(String, String)] = [],
        body: String? = nil,
        port: Int
    ) async throws -> HTTPTestResponse {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(
                        wrappingChannelSynchronously: channel
                    )
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            var head = HTTPRequestHead(version: .http1_1, method: method, uri: target)
            head.headers.add(name: "host", value: "localhost")
            for (name, value) in headers { head.headers.add(name: name, value: value) }
            if let body { head.headers.add(name: "content-length", value: String(body.utf8.count)) }
            try await outbound.write(.head(head))
            if let body { try await outbound.write(.body(.byteBuffer(ByteBuffer(string: body)))) }
            try await outbound.write(.end(nil))

            var response: HTTPResponseHead?
            var received = ByteBuffer()
            for try await part in inbound {
                switch part {
                case .head(let head):
                    response = head
                case .body(var chunk):
                    received.writeBuffer(&chunk)
                case .end:
                    guard let response else {
                        throw HTTPTestClientError(description: "a response end without a head")
                    }
                    return HTTPTestResponse(
                        status: Int(response.status.code),
                        headers: response.headers,
                        body: String(buffer: received)
                    )
                }
            }
            throw HTTPTestClientError(description: "the connection closed before the response ended")
        }
    }
}
