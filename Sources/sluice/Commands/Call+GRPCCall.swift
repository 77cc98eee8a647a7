import NIOCore
import SluiceClient
import SluiceJSON
import SluiceProtobuf

/// One gRPC call of `sluice call`, once the method is known: its request message(s) from JSON, its answer
/// printed, the exit code chosen (1 bad input, 2 no gRPC answer or an unreadable one, 3 a non-OK status).
struct GRPCCallContext: Sendable {
    let name: String
    let descriptor: ProtobufMethod
    let schema: ProtobufSchema
    let client: GRPCClient
    let eventLoop: any EventLoop
    let metadata: [(String, String)]
    let timeout: TimeAmount
    /// `host:port`, for messages.
    let backend: String
    let allocator = ByteBufferAllocator()

    var path: String { Call.path(of: name) }

    func unary(arguments: String) async throws {
        let request = try encode(arguments == "-" ? readStandardInput() : Array(arguments.utf8), what: "JSON")
        let outcome: Result<GRPCReply, any Error>
        do {
            outcome = .success(
                try await client.call(path: path, message: request, metadata: metadata, timeout: timeout, on: eventLoop)
                    .get())
        } catch {
            outcome = .failure(error)
        }
        try answer(outcome, printingMessage: true)
    }

    /// The request message as protobuf; bad JSON is bad input, led by `what` (`JSON`, `message 2`).
    func encode(_ json: [UInt8], what: String) throws -> ByteBuffer {
        var request = allocator.buffer(capacity: json.count)
        do {
            try ProtobufJSONCodec.encode(
                descriptor.input, schema: schema, json: allocator.buffer(bytes: json), into: &request)
        } catch {
            printError("\(what): \(error.description)")
            throw ExitStatus.badInput
        }
        return request
    }

    /// Prints a response message as one line of JSON; false (after saying why) when it does not decode.
    func printResponse(_ message: ByteBuffer) -> Bool {
        var message = message
        var out = allocator.buffer(capacity: message.readableBytes * 2 + 16)
        do {
            try ProtobufJSONCodec.decode(descriptor.output, schema: schema, from: &message, into: &out)
        } catch {
            printError("\(backend): unreadable response: \(error.description)")
            return false
        }
        printJSON(out)
        return true
    }

    /// Prints how the call ended: the response message (unary and client-streaming calls, when
    /// `printingMessage`), nothing more for a streamed response's OK, the status JSON for another status.
    func answer(_ outcome: Result<GRPCReply, any Error>, printingMessage: Bool) throws {
        switch outcome {
        case .failure(let error):
            printError("sluice call: \(CallDiagnostics.describe(failure: error))")
            throw ExitStatus.backendFailure
        case .success(let reply) where reply.isOK:
            guard printingMessage else { return }
            guard printResponse(reply.message ?? allocator.buffer(capacity: 0)) else { throw ExitStatus.backendFailure }
        case .success(let reply):
            printJSON(GRPCCallStatus.json(reply, schema: schema, allocator: allocator))
            throw ExitStatus.declaredException
        }
    }
}
