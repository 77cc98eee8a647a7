import Foundation
import NIOCore
import SluiceClient
import SluiceJSON
import SluiceProtobuf
import Synchronization

/// `sluice call` for streaming methods: each response message printed as one line of JSON (NDJSON) as it
/// comes, then the status as for a unary call (nothing for OK, its JSON and exit 3 otherwise, after the
/// messages received before it); request messages as NDJSON from standard input (`-`) or a JSON array.
extension GRPCCallContext {
    func stream(arguments: String) async throws {
        let cancellation = CallCancellation()
        let printer = GRPCResponsePrinter(context: self, cancellation: cancellation)
        if !descriptor.clientStreaming {
            let request = try encode(arguments == "-" ? readStandardInput() : Array(arguments.utf8), what: "JSON")
            let responses = client.serverStreamingCall(
                path: path, message: request, metadata: metadata, timeout: timeout, cancellation: cancellation,
                on: eventLoop, onMessage: printer.print)
            // Printing is the consumer's pace: a blocked stdout holds the loop, and with it the stream's reads.
            responses.request(.max)
            return try await end(responses.reply, printer: printer)
        }
        var messages = try GRPCRequestMessages(arguments)
        if descriptor.serverStreaming {
            let (requests, responses) = client.bidirectionalStreamingCall(
                path: path, metadata: metadata, timeout: timeout, cancellation: cancellation, on: eventLoop,
                onMessage: printer.print)
            responses.request(.max)
            try await send(&messages, on: requests, cancellation: cancellation)
            try await end(responses.reply, printer: printer)
        } else {
            let (requests, reply) = client.clientStreamingCall(
                path: path, metadata: metadata, timeout: timeout, cancellation: cancellation, on: eventLoop)
            try await send(&messages, on: requests, cancellation: cancellation)
            try answer(await outcome(of: reply), printingMessage: true)
        }
    }

    /// Sends every message, each once the previous one is written (the server's pace), then the end. A message
    /// that is not valid JSON for the method cancels the call: bad input.
    private func send(
        _ messages: inout GRPCRequestMessages, on requests: GRPCRequestStream, cancellation: CallCancellation
    ) async throws {
        var index = 0
        while let json = messages.next() {
            index += 1
            let message: ByteBuffer
            do {
                message = try encode(json, what: "message \(index)")
            } catch {
                cancellation.cancel()
                throw error
            }
            // A failed write means the call ended; its reply says how.
            guard (try? await requests.send(message).get()) != nil else { return }
        }
        requests.finish()
    }

    private func end(_ reply: EventLoopFuture<GRPCReply>, printer: GRPCResponsePrinter) async throws {
        let outcome = await outcome(of: reply)
        // An unreadable message was reported when it came, and the call cancelled for it.
        if printer.failed { throw ExitStatus.backendFailure }
        try answer(outcome, printingMessage: false)
    }

    private func outcome(of reply: EventLoopFuture<GRPCReply>) async -> Result<GRPCReply, any Error> {
        do {
            return .success(try await reply.get())
        } catch {
            return .failure(error)
        }
    }
}

/// Prints each response message of a stream, on the call's loop, in order; the first that does not decode
/// cancels the call.
final class GRPCResponsePrinter: Sendable {
    private let context: GRPCCallContext
    private let cancellation: CallCancellation
    private let state = Mutex(false)

    init(context: GRPCCallContext, cancellation: CallCancellation) {
        self.context = context
        self.cancellation = cancellation
    }

    var failed: Bool { state.withLock { $0 } }

    @Sendable func print(_ message: ByteBuffer) {
        guard !failed else { return }
        if !context.printResponse(message) {
            state.withLock { $0 = true }
            cancellation.cancel()
        }
    }
}

/// The request messages of a client-streaming or bidirectional call: `-` reads NDJSON from standard input a
/// line at a time, as lines come, so a bidirectional call can be driven by another program (blank lines
/// skipped); otherwise the argument is a JSON array, each element one message, or a single message.
struct GRPCRequestMessages {
    /// nil: standard input.
    private let given: [[UInt8]]?
    private var index = 0

    init(_ argument: String) throws {
        guard argument != "-" else {
            given = nil
            return
        }
        switch Self.split(Array(argument.utf8)) {
        case .success(let messages):
            given = messages
        case .failure(let error):
            printError("JSON: \(error.description)")
            throw ExitStatus.badInput
        }
    }

    mutating func next() -> [UInt8]? {
        guard let given else {
            // Blocks this task's thread while waiting for a line: the event loop (and the responses) run apart.
            while let line = readLine(strippingNewline: true) {
                if !line.allSatisfy(\.isWhitespace) { return Array(line.utf8) }
            }
            return nil
        }
        guard index < given.count else { return nil }
        index += 1
        return given[index - 1]
    }

    /// An array's elements' bytes, or the whole text when it is not an array.
    private static func split(_ bytes: [UInt8]) -> Result<[[UInt8]], JSONError> {
        bytes.withUnsafeBytes { raw in
            var scanner = JSONScanner(bytes: raw)
            do throws(JSONError) {
                guard try scanner.peekKind() == .array else { return .success([bytes]) }
                var cursor = try scanner.beginArray()
                var elements: [[UInt8]] = []
                while try scanner.nextElement(&cursor) {
                    let start = scanner.offset
                    try scanner.skipValue()
                    elements.append(Array(raw[start..<scanner.offset]))
                }
                try scanner.finish()
                return .success(elements)
            } catch {
                return .failure(error)
            }
        }
    }
}
