internal import Logging
internal import NIOCore

/// `grpc.health.v1.Health/Check` without generated code: `HealthCheckRequest` is field 1, the service name
/// (a string), and `HealthCheckResponse` field 1, the status enum, where 1 is SERVING.
struct GRPCHealthCheck: Sendable {
    static let path = "/grpc.health.v1.Health/Check"
    static let serving: UInt64 = 1

    var service: String

    /// The request message; empty for "" (proto3 leaves a default string out).
    var request: ByteBuffer {
        var buffer = ByteBuffer()
        guard !service.isEmpty else { return buffer }
        buffer.writeInteger(UInt8(0x0A))
        Self.writeVarint(UInt64(service.utf8.count), into: &buffer)
        buffer.writeString(service)
        return buffer
    }

    /// The response's status; 0 (UNKNOWN) when absent, nil when the message cannot be read.
    static func status(of message: ByteBuffer) -> UInt64? {
        var message = message
        var status: UInt64 = 0
        while message.readableBytes > 0 {
            guard let tag = readVarint(&message) else { return nil }
            switch tag & 7 {
            case 0:
                guard let value = readVarint(&message) else { return nil }
                if tag >> 3 == 1 { status = value }
            case 1:
                guard message.readSlice(length: 8) != nil else { return nil }
            case 2:
                guard let length = readVarint(&message), length <= message.readableBytes,
                    message.readSlice(length: Int(length)) != nil
                else { return nil }
            case 5:
                guard message.readSlice(length: 4) != nil else { return nil }
            default:
                return nil
            }
        }
        return status
    }

    /// One call on a one-off HTTP/2 connection (a shard of one endpoint), closed once the call ends.
    func call(
        _ endpoint: Endpoint, tls: ConnectionTLS?, timeout: TimeAmount, on eventLoop: any EventLoop,
        attempt: ProbeAttempt, logger: Logger
    ) -> EventLoopFuture<Bool> {
        let configuration = GRPCClientConfiguration(
            endpoints: [endpoint], connectTimeout: timeout, keepaliveInterval: nil)
        let target = GRPCShard.Target(
            endpoint: endpoint, tls: tls, authority: tls?.serverHostname ?? endpoint.description)
        let shard = GRPCShard(targets: [target], configuration: configuration, eventLoop: eventLoop, logger: logger)
        let promise = eventLoop.makePromise(of: GRPCReply.self)
        let call = GRPCPendingCall(
            path: Self.path, message: request, metadata: [], deadline: .now() + timeout, timeout: timeout,
            promise: promise, eventLoop: eventLoop)
        attempt.onCancel { Self.close(shard) }
        call.arm(cancellation: nil)
        shard.start(call)
        return promise.futureResult.always { _ in Self.close(shard) }.map { reply in
            guard reply.isOK, let message = reply.message else { return false }
            return Self.status(of: message) == Self.serving
        }
    }

    private static func close(_ shard: GRPCShard) {
        for connection in shard.shutdown() { connection.channel.close(promise: nil) }
    }

    private static func writeVarint(_ value: UInt64, into buffer: inout ByteBuffer) {
        var value = value
        while value >= 0x80 {
            buffer.writeInteger(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        buffer.writeInteger(UInt8(value))
    }

    private static func readVarint(_ buffer: inout ByteBuffer) -> UInt64? {
        var value: UInt64 = 0
        for shift in stride(from: 0, to: 64, by: 7) {
            guard let byte = buffer.readInteger(as: UInt8.self) else { return nil }
            value |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return value }
        }
        return nil
    }
}
