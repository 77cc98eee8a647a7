import Logging
import NIOCore
import NIOEmbedded
import SluiceClient
import SluiceProtobuf
import Testing
@testable import SluiceGateway

/// A gRPC backend answered from memory: records each call.
final class FakeGRPCCaller: GRPCCaller, @unchecked Sendable {
    // @unchecked: tests drive it from one thread (an EmbeddedEventLoop's).
    struct Call {
        var path: String
        var message: ByteBuffer
        var metadata: [(String, String)]
        var timeout: TimeAmount
        /// A client-streaming call's messages (`message` is then empty).
        var messages: [ByteBuffer]? = nil
    }

    var calls: [Call] = []
    var answer: (Call) -> Result<GRPCReply, any Error>

    init(answer: @escaping (Call) -> Result<GRPCReply, any Error>) {
        self.answer = answer
    }

    func call(
        path: String, message: ByteBuffer, metadata: [(String, String)], timeout: TimeAmount, cancellation: CallCancellation?,
        policy: CallPolicyOverride?, hashKey: UInt64?, on eventLoop: any EventLoop
    ) -> EventLoopFuture<GRPCReply> {
        let call = Call(path: path, message: message, metadata: metadata, timeout: timeout)
        calls.append(call)
        return eventLoop.makeCompletedFuture(answer(call))
    }

    func call(
        path: String, messages: [ByteBuffer], metadata: [(String, String)], timeout: TimeAmount, cancellation: CallCancellation?,
        hashKey: UInt64?, on eventLoop: any EventLoop
    ) -> EventLoopFuture<GRPCReply> {
        let call = Call(path: path, message: ByteBuffer(), metadata: metadata, timeout: timeout, messages: messages)
        calls.append(call)
        return eventLoop.makeCompletedFuture(answer(call))
    }

    /// A streaming call's messages and end, for ``streamingCall``.
    var streamAnswer: ((Call) -> (messages: [ByteBuffer], end: Result<GRPCReply, any Error>))?
    /// The last streaming call's stream, to drive it.
    var lastStream: FakeMessageStream?

    func streamingCall(
        path: String, messages: [ByteBuffer], clientStreaming: Bool, metadata: [(String, String)], timeout: TimeAmount,
        cancellation: CallCancellation?, hashKey: UInt64?, on eventLoop: any EventLoop,
        onMessage: @escaping @Sendable (ByteBuffer) -> Void
    ) -> any GRPCMessageStream {
        let call = Call(
            path: path, message: clientStreaming ? ByteBuffer() : messages.first ?? ByteBuffer(), metadata: metadata, timeout: timeout,
            messages: clientStreaming ? messages : nil)
        calls.append(call)
        let (replies, end) = streamAnswer?(call) ?? ([], .success(GRPCReply(statusCode: 0)))
        let stream = FakeMessageStream(messages: replies, end: end, eventLoop: eventLoop, onMessage: onMessage)
        cancellation?.onCancel { stream.cancelled = true }
        lastStream = stream
        return stream
    }

    /// What ``requestStreamingCall`` hands out (see GRPCRequestStreamingTests); the call's cancellation and
    /// `onMessage` (nil for client streaming) come along.
    var requestStreamAnswer: ((Call, CallCancellation?, (@Sendable (ByteBuffer) -> Void)?) -> (any GRPCMessageSender, any GRPCMessageStream))?

    func requestStreamingCall(
        path: String, metadata: [(String, String)], timeout: TimeAmount, cancellation: CallCancellation?, hashKey: UInt64?,
        on eventLoop: any EventLoop, onMessage: (@Sendable (ByteBuffer) -> Void)?
    ) -> (requests: any GRPCMessageSender, responses: any GRPCMessageStream) {
        let call = Call(path: path, message: ByteBuffer(), metadata: metadata, timeout: timeout)
        calls.append(call)
        guard let requestStreamAnswer else { preconditionFailure("no call streaming its requests was expected") }
        return requestStreamAnswer(call, cancellation, onMessage)
    }

    func shutdown() async {}
}

/// Delivers its messages one per `request`, then ends: what the real client's demand-driven stream does.
final class FakeMessageStream: GRPCMessageStream, @unchecked Sendable {
    // @unchecked: driven from one EmbeddedEventLoop's thread.
    var pending: [ByteBuffer]
    let end: Result<GRPCReply, any Error>
    let promise: EventLoopPromise<GRPCReply>
    let onMessage: @Sendable (ByteBuffer) -> Void
    var requested = 0
    var cancelled = false
    var headers: [(name: String, value: String)] = [("x-served-by", "s1"), ("x-other", "no")]

    init(messages: [ByteBuffer], end: Result<GRPCReply, any Error>, eventLoop: any EventLoop, onMessage: @escaping @Sendable (ByteBuffer) -> Void) {
        self.pending = messages
        self.end = end
        self.promise = eventLoop.makePromise()
        self.onMessage = onMessage
    }

    var reply: EventLoopFuture<GRPCReply> { promise.futureResult }

    func request(_ count: Int) {
        requested += count
        var count = count
        while count > 0, !pending.isEmpty, !cancelled {
            count -= 1
            onMessage(pending.removeFirst())
        }
        if pending.isEmpty || cancelled { promise.completeWith(cancelled ? .failure(ClientError(.cancelled, "cancelled")) : end) }
    }
}

/// The shop routes of ``GRPCServiceConfigTests`` over a fake gRPC caller.
struct GRPCDispatchHarness {
    let loop = EmbeddedEventLoop()
    let caller: FakeGRPCCaller
    let dispatcher: RequestDispatcher
    let schema: ProtobufSchema

    init(routes: String = "", answer: @escaping (FakeGRPCCaller.Call) -> Result<GRPCReply, any Error>) throws {
        let loaded = try ConfigFixture(["shop.proto": GRPCServiceConfigTests.proto, "a.yaml": GRPCServiceConfigTests.serviceYAML + routes]).run()
        let configuration = try #require(loaded.configuration, "\(loaded.diagnostics)")
        schema = try #require(configuration.protobufIDLs["orders"]).schema
        let caller = FakeGRPCCaller(answer: answer)
        self.caller = caller
        let (snapshot, _) = RuntimeSnapshot.build(
            configuration: configuration, previous: nil, makeCaller: { _ in preconditionFailure("no Thrift services here") },
            makeGRPCCaller: { _ in caller })
        dispatcher = RequestDispatcher(state: RuntimeState(snapshot), logger: Logger(label: "test"))
    }

    func send(_ method: String, _ target: String, headers: [(String, String)] = [], body: String? = nil) -> ResponseBox {
        let box = ResponseBox()
        let request = GatewayRequest(
            method: method, target: target, headers: GatewayHeaders(headers.map { (name: $0.0, value: $0.1) }),
            body: body.map { ByteBuffer(string: $0) })
        dispatcher.handle(request, on: loop, allocator: ByteBufferAllocator(), responder: ResponseBox.Responder(box: box))
        loop.run()
        return box
    }

    /// `json` as message `name` in binary.
    func encode(_ name: String, _ json: String) throws -> ByteBuffer {
        var out = ByteBuffer()
        try ProtobufJSONCodec.encode(try #require(schema.message(named: name)), schema: schema, json: ByteBuffer(string: json), into: &out)
        return out
    }

    /// Binary message `name` as JSON.
    func decode(_ name: String, _ bytes: ByteBuffer) throws -> String {
        var bytes = bytes
        var out = ByteBuffer()
        try ProtobufJSONCodec.decode(try #require(schema.message(named: name)), schema: schema, from: &bytes, into: &out)
        return String(buffer: out)
    }
}

@Suite("Request path to gRPC services")
struct GRPCDispatchTests {
    @Test("path, body field and query fill the request; metadata goes both ways; the response is protobuf JSON")
    func success() throws {
        var harness: GRPCDispatchHarness!
        harness = try GRPCDispatchHarness { _ in
            .success(GRPCReply(
                statusCode: 0, message: try? harness.encode("shop.v1.Order", #"{"customerId":"c9","total":"12","kind":"BOOK"}"#),
                headers: [("x-served-by", "b1")], trailers: [("grpc-status", "0")]))
        }
        let box = harness.send(
            "POST", "/v1/orders/c%201?request_id=r7", headers: [("X-Request-Id", "abc"), ("x-other", "no")],
            body: #"{"customerId":"ignored","total":5,"tags":["a"]}"#)
        #expect(box.only?.status == 200)
        #expect(box.bodyText == #"{"customerId":"c9","total":"12","kind":"BOOK"}"#)
        #expect(box.only?.headers.map { "\($0.name)=\($0.value)" } == ["x-served-by=b1"])
        let call = try #require(harness.caller.calls.first)
        #expect(call.path == "/shop.v1.OrderService/CreateOrder")
        #expect(call.timeout == .seconds(2))
        #expect(call.metadata.map { "\($0.0)=\($0.1)" } == ["x-request-id=abc"])
        #expect(try harness.decode("shop.v1.CreateOrderRequest", call.message)
            == #"{"order":{"customerId":"c 1","total":"5","tags":["a"]},"requestId":"r7"}"#)
    }

    @Test("response_body answers with one field; query values fill repeated enums by name")
    func responseBody() throws {
        var harness: GRPCDispatchHarness!
        harness = try GRPCDispatchHarness(routes: """
        routes:
          - {method: GET, path: "/v1/shelves/{shelf}/orders", service: orders, call: OrderService.List, response_body: orders}
        """) { _ in
            .success(GRPCReply(statusCode: 0, message: try? harness.encode("shop.v1.ListReply", #"{"orders":[{"total":"1"}],"next":"n"}"#)))
        }
        let box = harness.send("GET", "/v1/shelves/s1/orders?kinds=BOOK&kinds=0&unknown.field=1")
        #expect(box.only?.status == 200)
        #expect(box.bodyText == #"[{"total":"1"}]"#)
        let call = try #require(harness.caller.calls.first)
        #expect(try harness.decode("shop.v1.ListRequest", call.message) == #"{"shelf":"s1","kinds":["BOOK","KIND_UNSPECIFIED"]}"#)
    }

    @Test("a non-OK status: its HTTP status and grpc-gateway's body with the details")
    func status() throws {
        var harness: GRPCDispatchHarness!
        harness = try GRPCDispatchHarness { _ in
            let details = try? harness.encode(
                "google.rpc.Status",
                #"{"code":5,"message":"inner","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"GONE","domain":"shop"}]}"#)
            return .success(GRPCReply(statusCode: 5, statusMessage: "no order 42", statusDetails: details))
        }
        let box = harness.send("GET", "/v1/orders/42")
        #expect(box.only?.status == 404)
        #expect(box.bodyText == #"{"code":5,"message":"no order 42","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"GONE","domain":"shop"}]}"#)
    }

    @Test("google/rpc/code.proto's HTTP statuses", arguments: [
        (1, 499), (2, 500), (3, 400), (4, 504), (5, 404), (6, 409), (7, 403), (8, 429), (9, 400), (10, 409), (11, 400),
        (12, 501), (13, 500), (14, 503), (15, 500), (16, 401), (17, 500), (-1, 500),
    ])
    func httpStatus(code: Int, status: Int) {
        #expect(GRPCStatusResponse.httpStatus(of: code) == status)
    }

    @Test("no gRPC answer: 502 saying what the backend did; OK without a message: 502")
    func failures() throws {
        let missing = try GRPCDispatchHarness { _ in
            .failure(ClientError(.protocolError, "127.0.0.1:1 ended the call without a grpc-status", reason: "ended the call without a grpc-status"))
        }
        let box = missing.send("GET", "/v1/orders/1")
        #expect(box.only?.status == 502)
        #expect(box.bodyText == #"{"error":{"code":"bad_gateway","message":"service 'orders' ended the call without a grpc-status"}}"#)
        let empty = try GRPCDispatchHarness { _ in .success(GRPCReply(statusCode: 0)) }
        #expect(empty.send("GET", "/v1/orders/1").only?.status == 502)
    }

    @Test("a client-streaming route sends a JSON array's or NDJSON's messages; a bad one is a 400 naming its index")
    func clientStreaming() throws {
        var harness: GRPCDispatchHarness!
        harness = try GRPCDispatchHarness { _ in
            .success(GRPCReply(statusCode: 0, message: try? harness.encode("shop.v1.ListReply", #"{"next":"done"}"#)))
        }
        let array = harness.send("POST", "/shop.v1.OrderService/Import", body: #" [{"total":1}, {"customerId":"b"}] "#)
        #expect(array.only?.status == 200)
        #expect(array.bodyText == #"{"next":"done"}"#)
        let sent = try #require(harness.caller.calls.last?.messages)
        #expect(try sent.map { try harness.decode("shop.v1.Order", $0) } == [#"{"total":"1"}"#, #"{"customerId":"b"}"#])
        let lines = harness.send(
            "POST", "/shop.v1.OrderService/Import", headers: [("Content-Type", "application/x-ndjson")],
            body: "{\"total\":2}\n\n{}\n{\"kind\":\"BOOK\"}\n")
        #expect(lines.only?.status == 200)
        #expect(try harness.caller.calls.last?.messages?.map { try harness.decode("shop.v1.Order", $0) } == [
            #"{"total":"2"}"#, "{}", #"{"kind":"BOOK"}"#,
        ])
        let empty = harness.send("POST", "/shop.v1.OrderService/Import", body: "[]")
        #expect(empty.only?.status == 200)
        #expect(harness.caller.calls.last?.messages?.count == 0)
        let calls = harness.caller.calls.count
        let bad = harness.send("POST", "/shop.v1.OrderService/Import", body: #"[{}, {"total":"x"}]"#)
        #expect(bad.only?.status == 400)
        #expect(bad.bodyText?.contains(#""field":"$[1].total""#) == true)
        #expect(bad.bodyText?.contains(#""offset":14"#) == true)
        #expect(harness.caller.calls.count == calls)
    }

    @Test("bad input is a 400 naming the field; nothing is sent")
    func badInput() throws {
        let harness = try GRPCDispatchHarness { _ in .success(GRPCReply(statusCode: 0)) }
        let body = harness.send("POST", "/v1/orders/c", body: #"{"total":"x"}"#)
        #expect(body.only?.status == 400)
        #expect(body.bodyText?.contains(#""field":"$.total""#) == true)
        let conflict = harness.send("POST", "/v1/orders/c?order.total=3", body: "{}")
        #expect(conflict.only?.status == 400)
        #expect(harness.caller.calls.isEmpty)
    }
}
