import ArgumentParser
import Logging
import NIOCore
import NIOPosix
import SluiceClient
import SluiceThrift

/// `sluice call`: one Thrift call from JSON arguments, through the IDL alone (no generated code).
///
/// Output contract (the README documents it): the result JSON on stdout and exit 0; nothing for `void` and
/// for `oneway` (which returns once the request is sent); a declared exception as
/// `{"error":{"type":...,"exception":{...}}}` on stdout with exit 3; bad input (IDL, JSON, method name) on
/// stderr with exit 1; a transport failure, timeout or TApplicationException on stderr with exit 2.
struct Call: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Call a Thrift method with JSON arguments and print the result as JSON.",
        discussion: """
            JSON-ARGS is the arguments object, keyed by argument name: '{"req": {"name": "x"}}'. Pass - to read \
            it from standard input. Exit codes: 0 success (void and oneway print nothing), 1 bad input, \
            2 transport failure, timeout or TApplicationException, 3 a declared exception (its JSON on stdout).
            """
    )

    @Option(help: ArgumentHelp("The root IDL file.", valueName: "file"))
    var idl: String

    @Option(name: .customLong("include-dir"), help: ArgumentHelp("Another directory to find includes in.", valueName: "dir"))
    var includeDirectories: [String] = []

    @Option(help: ArgumentHelp("The backend.", valueName: "host:port"))
    var to: HostPort

    @Option(
        help: ArgumentHelp(
            "How messages are framed: ttheader (Kitex's TTHeader, the default), theader, framed or buffered. Apache Thrift servers need theader, framed or buffered.",
            valueName: "transport"
        ))
    var transport: ThriftTransportKind = .ttheader

    @Option(help: ArgumentHelp("The Thrift protocol.", valueName: "codec"))
    var codec: ThriftProtocolKind = .binary

    @Option(
        help: ArgumentHelp(
            "How long to wait for the answer (and for the connection): \(DurationArgument.units).", valueName: "duration"),
        transform: DurationArgument.parse
    )
    var timeout = DurationArgument(.seconds(1), spelled: "1s")

    @OptionGroup(title: "TLS")
    var tls: CallTLSOptions

    @Argument(help: ArgumentHelp("The method, as IDLService.method.", valueName: "SERVICE.METHOD"))
    var method: String

    @Argument(help: ArgumentHelp("The arguments object as JSON, or - for standard input.", valueName: "JSON-ARGS"))
    var arguments: String

    func run() async throws {
        let schema: ThriftSchema
        do {
            schema = try ThriftIDL.load(path: idl, includeDirectories: includeDirectories)
        } catch {
            printError(error.description)
            throw ExitStatus.badInput
        }
        guard let (service, descriptor) = schema.method(method) else {
            printError(CallDiagnostics.unknownMethod(method, in: schema))
            throw ExitStatus.badInput
        }

        let json = arguments == "-" ? readStandardInput() : Array(arguments.utf8)
        let allocator = ByteBufferAllocator()
        var encoded = allocator.buffer(capacity: json.count + 64)
        do {
            let input = CallInput(body: allocator.buffer(bytes: json), bodyTarget: [], bound: [])
            try ThriftJSONCodec.encodeArguments(
                method: descriptor, schema: schema, input: input, protocol: codec, options: TranscodeOptions(),
                into: &encoded)
        } catch {
            printError("JSON-ARGS: \(CallDiagnostics.describe(error))")
            throw ExitStatus.badInput
        }

        let tlsSetting: ThriftClientTLS?
        do {
            tlsSetting = try tls.makeTLS()
        } catch {
            printError(error.message)
            throw ExitStatus.badInput
        }

        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        var logger = Logger(label: "sluice.call")
        logger.logLevel = .critical
        var configuration = ThriftClientConfiguration(
            endpoints: [Endpoint(host: to.host, port: to.port)], transport: transport, protocolKind: codec,
            serviceName: service.name)
        configuration.connectTimeout = timeout.amount
        configuration.requestTimeout = timeout.amount
        configuration.connectionsPerEndpoint = 1
        configuration.tls = tlsSetting
        let client = ThriftClient(configuration: configuration, eventLoopGroup: group, logger: logger)

        let outcome: Result<ThriftReply, any Error>
        do {
            let reply = try await client.call(
                method: descriptor.name, oneway: descriptor.oneway, arguments: encoded, timeout: timeout.amount,
                on: group.next()
            ).get()
            outcome = .success(reply)
        } catch {
            outcome = .failure(error)
        }
        await client.shutdown()
        try? await group.shutdownGracefully()

        switch outcome {
        case .failure(let error):
            printError("sluice call: \(CallDiagnostics.describe(failure: error))")
            throw ExitStatus.backendFailure
        case .success(let reply):
            try answer(reply, method: descriptor, schema: schema, allocator: allocator)
        }
    }

    /// Prints the reply and picks the exit code.
    private func answer(
        _ reply: ThriftReply, method descriptor: MethodDescriptor, schema: ThriftSchema, allocator: ByteBufferAllocator
    ) throws {
        if descriptor.oneway { return }
        var body = reply.body
        var out = allocator.buffer(capacity: body.readableBytes * 2 + 16)
        switch reply.messageType {
        case .exception:
            do {
                let failure = try ThriftJSONCodec.decodeApplicationException(from: &body, protocol: codec)
                printError("\(to): TApplicationException type \(failure.type): \(failure.message)")
            } catch {
                printError("\(to): unreadable TApplicationException: \(CallDiagnostics.describe(error))")
            }
            throw ExitStatus.backendFailure
        case .reply:
            let result: ResultOutcome
            do {
                result = try ThriftJSONCodec.decodeResult(
                    method: descriptor, schema: schema, from: &body, protocol: codec, options: TranscodeOptions(),
                    into: &out)
            } catch {
                printError("\(to): unreadable reply: \(CallDiagnostics.describe(error))")
                throw ExitStatus.backendFailure
            }
            switch result {
            case .success:
                printJSON(out)
            case .void:
                break
            case .exception:
                printJSON(out)
                throw ExitStatus.declaredException
            }
        case .call, .oneway:
            printError("\(to): the backend answered with a \(reply.messageType) message")
            throw ExitStatus.backendFailure
        }
    }
}
