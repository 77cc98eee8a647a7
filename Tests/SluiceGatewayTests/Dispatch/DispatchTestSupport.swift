import Foundation
import Logging
import NIOCore
import NIOEmbedded
import SluiceClient
import SluiceFlow
import SluiceThrift
import SluiceTracing
import Testing
@testable import SluiceGateway

/// A backend answered from memory: records each call and replies with what `answer` returns.
final class FakeCaller: ThriftCaller, @unchecked Sendable {
    // @unchecked: tests drive it from one thread (an EmbeddedEventLoop's).
    struct Call {
        var method: String
        var oneway: Bool
        var arguments: ByteBuffer
        var timeout: TimeAmount?
        var policy: CallPolicyOverride? = nil
        var hashKey: UInt64? = nil
        var metainfo: [String: String] = [:]  // the pairs, keyed
    }

    let configuration: ThriftClientConfiguration
    var calls: [Call] = []
    var answer: (Call) -> Result<ThriftReply, any Error>
    var isShutDown = false

    init(configuration: ThriftClientConfiguration, answer: @escaping (Call) -> Result<ThriftReply, any Error>) {
        self.configuration = configuration
        self.answer = answer
    }

    func call(
        method: String, oneway: Bool, arguments: ByteBuffer, timeout: TimeAmount?, cancellation: CallCancellation?,
        policy: CallPolicyOverride?, hashKey: UInt64?, metainfo: [(key: String, value: String)], on eventLoop: any EventLoop
    ) -> EventLoopFuture<ThriftReply> {
        let call = Call(
            method: method, oneway: oneway, arguments: arguments, timeout: timeout, policy: policy, hashKey: hashKey,
            metainfo: Dictionary(metainfo, uniquingKeysWith: { _, last in last }))
        calls.append(call)
        return eventLoop.makeCompletedFuture(answer(call))
    }

    func shutdown() async { isShutDown = true }
}

/// Collects the one response a request gets.
final class ResponseBox: @unchecked Sendable {
    // @unchecked: written and read on one EmbeddedEventLoop thread.
    var responses: [GatewayResponse] = []

    struct Responder: GatewayResponder {
        let box: ResponseBox
        func respond(_ response: GatewayResponse) { box.responses.append(response) }
    }

    var only: GatewayResponse? { responses.count == 1 ? responses[0] : nil }
    var bodyText: String? { only?.body.map { String(buffer: $0) } }
}

/// The echo routes, with a dispatcher over fake callers.
struct DispatchHarness {
    static let routes = """
    routes:
      - method: POST
        path: /v1/echo/{req.name}
        service: echo
        call: EchoService.Say
        body: req
        query: {verbose: req.verbose, tag: req.tags}
        headers: {x-user: req.user}
        exceptions: {NotFound: 404}
      - {method: GET, path: /v1/ping, service: echo, call: EchoService.Ping}
      - {method: GET, path: /v1/ping-object, service: echo, call: EchoService.Ping, options: {void_as_empty_object: true}}
      - {method: POST, path: "/v1/fire/{what}", service: echo, call: EchoService.Fire}
      - {method: PUT, path: /v1/strict, service: echo, call: EchoService.Say, body: req, strict: true}
    """

    let loop = EmbeddedEventLoop()
    let state: RuntimeState
    var callers: [FakeCaller] = []
    let dispatcher: RequestDispatcher

    /// `flowRules` replace the routes' flow-control rules; `clock` is the one flow control reads.
    init(
        protocolKind: ThriftProtocolKind = .binary, flowRules: FlowRulesConfiguration = FlowRulesConfiguration(),
        clock: ManualFlowClock = ManualFlowClock(1_000_000), tracer: RequestTracer? = nil, routes: String = Self.routes,
        answer: @escaping (FakeCaller.Call) -> Result<ThriftReply, any Error>
    ) throws {
        let yaml = echoServiceYAML.replacingOccurrences(of: "codec: binary", with: "codec: \(protocolKind.rawValue)") + routes
        let loaded = try ConfigFixture(["echo.yaml": yaml]).run()
        guard var configuration = loaded.configuration else { throw ConfigErrors(loaded.diagnostics.map { ConfigDiagnostic(file: "", line: 0, column: 0, message: $0) }) }
        configuration.flowRules = flowRules
        var made: [FakeCaller] = []
        let flow = FlowRuntime(clock: clock)
        let (snapshot, _) = RuntimeSnapshot.build(configuration: configuration, previous: nil, flow: flow) { clientConfiguration in
            let caller = FakeCaller(configuration: clientConfiguration, answer: answer)
            made.append(caller)
            return caller
        }
        callers = made
        state = RuntimeState(snapshot)
        dispatcher = RequestDispatcher(state: state, logger: Logger(label: "test"), tracer: tracer)
    }

    func send(_ method: String, _ target: String, headers: [(String, String)] = [], body: String? = nil) -> ResponseBox {
        let box = ResponseBox()
        let request = GatewayRequest(
            method: method,
            target: target,
            headers: GatewayHeaders(headers.map { (name: $0.0, value: $0.1) }),
            body: body.map { ByteBuffer(string: $0) }
        )
        dispatcher.handle(request, on: loop, allocator: ByteBufferAllocator(), responder: ResponseBox.Responder(box: box))
        loop.run()
        return box
    }

    static var schema: ThriftSchema { TestSchemas.echo() }

    /// `_args` bytes of `method` back to JSON.
    static func argumentsJSON(_ call: FakeCaller.Call, method: String, protocolKind: ThriftProtocolKind = .binary) throws -> String {
        let schema = Self.schema
        let descriptor = try #require(schema.method("EchoService.\(method)")).method
        var bytes = call.arguments
        var json = ByteBuffer()
        try ThriftJSONCodec.decodeStruct(descriptor.arguments, schema: schema, from: &bytes, protocol: protocolKind, into: &json)
        return String(buffer: json)
    }

    /// A REPLY whose `_result` is `json` (`{"success": ...}` or `{"notFound": {...}}`).
    static func reply(_ method: String, _ json: String, protocolKind: ThriftProtocolKind = .binary) -> Result<ThriftReply, any Error> {
        Result {
            let schema = Self.schema
            let descriptor = try #require(schema.method("EchoService.\(method)")).method
            var body = ByteBuffer()
            try ThriftJSONCodec.encodeStruct(descriptor.result, schema: schema, json: ByteBuffer(string: json), protocol: protocolKind, into: &body)
            return ThriftReply(messageType: .reply, body: body)
        }
    }

    /// A TApplicationException struct in Binary: 1: string message, 2: i32 type.
    static func applicationException(type: Int32, message: String) -> Result<ThriftReply, any Error> {
        var body = ByteBuffer()
        body.writeInteger(UInt8(11))
        body.writeInteger(Int16(1))
        body.writeInteger(Int32(message.utf8.count))
        body.writeString(message)
        body.writeInteger(UInt8(8))
        body.writeInteger(Int16(2))
        body.writeInteger(type)
        body.writeInteger(UInt8(0))
        return .success(ThriftReply(messageType: .exception, body: body))
    }
}

extension ServiceRuntime {
    /// A Thrift service's client settings (these tests' services are all Thrift).
    var clientConfiguration: ThriftClientConfiguration {
        guard case .thrift(_, let settings) = client else { preconditionFailure("not a Thrift service") }
        return settings
    }
}
