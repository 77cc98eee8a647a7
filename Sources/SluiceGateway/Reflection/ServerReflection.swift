// Why hand-written: grpc-swift ships server reflection's service side only, and grpcurl's client is Go. The client
// here is a loop over one stream; the protocol's decisions are ReflectionResolution's, tested without I/O.

public import Logging
public import NIOCore
public import SluiceClient
public import SluiceProtobuf

/// gRPC server reflection, client side: asks a backend for its services and the files describing them, so a
/// service needs no `.proto` or descriptor set (`idl: reflection`, `sluice call --reflect`).
///
/// The questions and what to make of the answers are ``ReflectionResolution``'s; this sends them on one
/// `ServerReflectionInfo` stream of a ``GRPCClient`` made for the purpose.
public enum ServerReflection {
    /// `grpc.reflection.v1`, then `v1alpha` (the only one grpcio, and servers older than 2023, offer).
    public static let paths = [
        "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo",
        "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
    ]

    /// gRPC's UNIMPLEMENTED: the server does not know the path.
    private static let unimplemented = 12

    /// Asks `endpoint` for every service it lists and the files describing them (v1, falling back to v1alpha
    /// when v1 answers UNIMPLEMENTED).
    ///
    /// - Parameters:
    ///   - tls: TLS to the endpoint (ALPN `h2`); nil is h2c.
    ///   - authority: `:authority`; nil uses the TLS server name, else `host:port`.
    ///   - metadata: sent with the reflection stream (a backend may want credentials for it too).
    ///   - timeout: the whole exchange's deadline, connecting and both attempts included.
    ///   - limits: how many services, files and bytes the answers may bring.
    /// - Returns: the linked files, dependencies first, and every listed service.
    public static func fetch(
        endpoint: Endpoint,
        tls: ThriftClientTLS?,
        authority: String?,
        metadata: [(String, String)] = [],
        timeout: TimeAmount,
        limits: ReflectionResolution.Limits = ReflectionResolution.Limits(),
        eventLoopGroup: any EventLoopGroup,
        logger: Logger
    ) async throws(ServerReflectionError) -> ReflectedServices {
        let configuration = GRPCClientConfiguration(
            endpoints: [endpoint], tls: tls, connectTimeout: timeout, authority: authority)
        let client = GRPCClient(configuration: configuration, eventLoopGroup: eventLoopGroup, logger: logger)
        let deadline = NIODeadline.now() + timeout
        var outcome = Outcome.unimplemented
        for path in paths {
            let exchange = ReflectionExchange(
                client: client, path: path, endpoint: endpoint, metadata: metadata, deadline: deadline,
                limits: limits, eventLoop: eventLoopGroup.next())
            outcome = await exchange.run()
            guard case .unimplemented = outcome else { break }
            logger.debug(
                "reflection path unimplemented", metadata: ["grpc.path": "\(path)", "grpc.endpoint": "\(endpoint)"])
        }
        await client.shutdown()
        switch outcome {
        case .resolved(let services):
            return services
        case .unimplemented:
            throw ServerReflectionError(
                .unsupported, endpoint: endpoint,
                "the server offers no reflection service (grpc.reflection.v1 and v1alpha are UNIMPLEMENTED)")
        case .failed(let error):
            throw error
        }
    }

    enum Outcome: Sendable {
        case resolved(ReflectedServices)
        /// The path is unknown to the server: try the next one.
        case unimplemented
        case failed(ServerReflectionError)
    }

    /// One attempt: a bidirectional stream on `path`, one question in flight at a time.
    struct ReflectionExchange {
        let client: GRPCClient
        let path: String
        let endpoint: Endpoint
        let metadata: [(String, String)]
        let deadline: NIODeadline
        let limits: ReflectionResolution.Limits
        let eventLoop: any EventLoop

        func run() async -> Outcome {
            let remaining = deadline - .now()
            guard remaining > .nanoseconds(0) else {
                return .failed(ServerReflectionError(.transport, endpoint: endpoint, "no time left for \(path)"))
            }
            // Unbounded, yet never holding more than one message: each question asks for one answer.
            let (answers, answered) = AsyncStream.makeStream(of: ByteBuffer.self)
            let cancellation = CallCancellation()
            let (requests, responses) = client.bidirectionalStreamingCall(
                path: path, metadata: metadata, timeout: remaining, cancellation: cancellation, on: eventLoop,
                onMessage: { answered.yield($0) })
            // Messages are delivered before the reply completes, so the stream ends after the last of them.
            responses.reply.whenComplete { _ in answered.finish() }

            var resolution = ReflectionResolution(source: "\(endpoint)", limits: limits)
            var action = resolution.start()
            var iterator = answers.makeAsyncIterator()
            var answerCount = 0
            while true {
                switch action {
                case .send(let request):
                    // A failed send means the call ended; the reply says how.
                    _ = requests.send(request.encoded())
                    responses.request(1)
                    guard let message = await iterator.next() else {
                        return await ended(responses.reply, answered: answerCount > 0)
                    }
                    answerCount += 1
                    action = resolution.receive(message)
                case .finished(let services):
                    requests.finish()
                    // The server ends its side once it reads ours; its status no longer matters.
                    _ = try? await responses.reply.get()
                    return .resolved(services)
                case .failed(let error):
                    cancellation.cancel()
                    return .failed(
                        ServerReflectionError(
                            .resolution, endpoint: endpoint, error.message, reflectionError: error))
                }
            }
        }

        /// The stream ended with a question open.
        private func ended(_ reply: EventLoopFuture<GRPCReply>, answered: Bool) async -> Outcome {
            let result: GRPCReply
            do {
                result = try await reply.get()
            } catch let error as ClientError {
                return .failed(ServerReflectionError(.transport, endpoint: endpoint, error.message, clientError: error))
            } catch {
                return .failed(ServerReflectionError(.transport, endpoint: endpoint, "\(error)"))
            }
            if result.statusCode == ServerReflection.unimplemented && !answered { return .unimplemented }
            let status = result.isOK ? "OK" : "status \(result.statusCode): \(result.statusMessage)"
            return .failed(
                ServerReflectionError(
                    .status, endpoint: endpoint, "\(path) ended (\(status)) before answering every question"))
        }
    }
}
