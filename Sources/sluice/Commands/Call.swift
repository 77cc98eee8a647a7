import ArgumentParser
import Logging
import NIOCore
import NIOPosix
import SluiceClient
import SluiceJSON
import SluiceThrift

/// `sluice call`: one Thrift call (`--idl`) or gRPC call (`--proto`, `--descriptor-set` or `--reflect`) from
/// JSON, through the IDL alone (no generated code); `--list` shows what a gRPC backend offers.
///
/// Output contract (the README documents it): the result JSON on stdout and exit 0; nothing for `void` and
/// for `oneway` (which returns once the request is sent); a declared exception as
/// `{"error":{"type":...,"exception":{...}}}`, or a gRPC status other than OK as `{"code":...,"message":...}`,
/// on stdout with exit 3 (after a stream's messages, one JSON line each); bad input (IDL, JSON, method name) on
/// stderr with exit 1; a transport failure, timeout, TApplicationException or failed reflection on stderr with
/// exit 2.
struct Call: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Call a Thrift or gRPC method with JSON and print the result as JSON.",
        discussion: """
            Thrift (--idl): JSON-ARGS is the arguments object, keyed by argument name: '{"req": {"name": "x"}}'. \
            gRPC (--proto, --descriptor-set or --reflect): JSON is the request message in protobuf's JSON mapping, \
            and the method is package.Service.Method (Service.Method when unambiguous). Pass - to read it from \
            standard input; a client-streaming or bidirectional method takes a JSON array of messages, or with - \
            one message per line (NDJSON); a stream's responses print one JSON line each. --list [SERVICE] lists \
            the services, or a service's methods and messages. Exit codes: 0 success (void and oneway print \
            nothing), 1 bad input, 2 transport failure, timeout, TApplicationException or failed reflection, 3 a \
            declared exception or a gRPC status other than OK (its JSON on stdout).
            """
    )

    @Option(help: ArgumentHelp("The root Thrift IDL file.", valueName: "file"))
    var idl: String?

    @Option(help: ArgumentHelp("A .proto file: the call is gRPC.", valueName: "file"))
    var proto: String?

    @Option(name: .customLong("import-path"), help: ArgumentHelp("Another directory to find .proto imports in.", valueName: "dir"))
    var importPaths: [String] = []

    @Option(
        name: .customLong("descriptor-set"),
        help: ArgumentHelp("A protoc --descriptor_set_out file (.pb, .desc, .binpb): the call is gRPC.", valueName: "file"))
    var descriptorSet: String?

    @Flag(name: .customLong("reflect"), help: "Ask the backend for its descriptors (gRPC server reflection): the call is gRPC.")
    var reflect = false

    @Flag(
        name: .customLong("list"),
        help: "List the gRPC services (with SERVICE as the one argument: its methods and messages) instead of calling.")
    var list = false

    @Option(name: .customLong("header"), help: ArgumentHelp("gRPC metadata sent with the call.", valueName: "name:value"))
    var headers: [String] = []

    @Option(name: .customLong("include-dir"), help: ArgumentHelp("Another directory to find includes in.", valueName: "dir"))
    var includeDirectories: [String] = []

    @Option(help: ArgumentHelp("The backend.", valueName: "host:port"))
    var to: HostPort

    @Option(
        help: ArgumentHelp(
            "How messages are framed: ttheader (Kitex's TTHeader, the default), theader, framed or buffered. Apache Thrift servers need theader, framed or buffered.",
            valueName: "transport"
        ))
    var transport: ThriftTransportKind?

    @Option(help: ArgumentHelp("The Thrift protocol (default binary).", valueName: "codec"))
    var codec: ThriftProtocolKind?

    @Option(
        help: ArgumentHelp(
            "How long to wait for the answer (and for the connection): \(DurationArgument.units).", valueName: "duration"),
        transform: DurationArgument.parse
    )
    var timeout = DurationArgument(.seconds(1), spelled: "1s")

    @OptionGroup(title: "TLS")
    var tls: CallTLSOptions

    @Argument(
        help: ArgumentHelp(
            "The method, as IDLService.method (Thrift) or package.Service.Method (gRPC); with --list, a service.",
            valueName: "SERVICE.METHOD"))
    var method: String?

    @Argument(
        help: ArgumentHelp(
            "The arguments object (Thrift) or request message(s) (gRPC) as JSON, or - for standard input.",
            valueName: "JSON"))
    var arguments: String?

    func validate() throws {
        let given = [idl, proto, descriptorSet, reflect ? "" : nil].compactMap { $0 }
        guard given.count == 1 else {
            throw ValidationError("give exactly one of --idl (Thrift), --proto, --descriptor-set or --reflect (gRPC)")
        }
        if list {
            if idl != nil { throw ValidationError("--list is for gRPC (--proto, --descriptor-set or --reflect)") }
            if arguments != nil { throw ValidationError("--list takes at most one argument, a service") }
        } else if method == nil || arguments == nil {
            throw ValidationError("give the method and its JSON (or - for standard input)")
        }
        if idl != nil {
            if !importPaths.isEmpty || !headers.isEmpty {
                throw ValidationError("--import-path and --header are for gRPC calls (--proto or --descriptor-set)")
            }
        } else {
            if transport != nil || codec != nil || !includeDirectories.isEmpty {
                throw ValidationError("--transport, --codec and --include-dir are for Thrift calls (--idl)")
            }
            if (descriptorSet != nil || reflect) && !importPaths.isEmpty {
                throw ValidationError("--import-path is for --proto; a descriptor set or reflection carries the imports")
            }
            for header in headers where GRPCCallMetadata.parse(header) == nil {
                throw ValidationError("--header '\(header)' is not name:value")
            }
        }
    }

    func run() async throws {
        guard let idl, let method, let arguments else { return try await callGRPC() }
        let transport = self.transport ?? .ttheader
        let codec = self.codec ?? .binary
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

        let tlsSetting = try clientTLS()
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let logger = Self.quietLogger()
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
            try answer(reply, method: descriptor, schema: schema, codec: codec, allocator: allocator)
        }
    }

    /// Prints the reply and picks the exit code.
    private func answer(
        _ reply: ThriftReply, method descriptor: MethodDescriptor, schema: ThriftSchema, codec: ThriftProtocolKind,
        allocator: ByteBufferAllocator
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
