import NIOCore
import NIOEmbedded
import SluiceThrift
import Synchronization
import Testing

@testable import SluiceClient

/// The connection handler on an `EmbeddedChannel`: bytes in and out, virtual time for deadlines.
@Suite("Client connection handler")
struct ThriftClientConnectionHandlerTests {
    final class Releases: Sendable {
        let log = Mutex<[Bool]>([])
        func record(_ reusable: Bool) { log.withLock { $0.append(reusable) } }
        var values: [Bool] { log.withLock { $0 } }
    }

    struct Harness {
        let loop = EmbeddedEventLoop()
        let channel: EmbeddedChannel
        let handler: ThriftClientConnectionHandler
        let releases: Releases

        init(
            transport: ThriftTransportKind = .ttheader, exclusive: Bool = false, requestByteBudget: Int? = nil,
            onRetiring: (@Sendable () -> Void)? = nil
        ) throws {
            let settings = ConnectionSettings(
                endpoint: Endpoint(host: "backend", port: 9090), transport: transport, protocolKind: .binary,
                serviceName: "EchoService", maxFrameLength: FramedTransport.defaultMaxFrameLength, lengthFinder: nil,
                requestByteBudget: requestByteBudget)
            let releases = Releases()
            self.releases = releases
            var onReleased: (@Sendable (Bool) -> Void)?
            if exclusive { onReleased = { releases.record($0) } }
            handler = ThriftClientConnectionHandler(settings: settings, onReleased: onReleased, onRetiring: onRetiring)
            channel = EmbeddedChannel(handler: handler, loop: loop)
            try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 9090)).wait()
        }

        func send(_ n: Int32, timeout: TimeAmount = .seconds(1), metainfo: [(key: String, value: String)] = [], retry: RetryHandler? = nil)
            -> (EventLoopFuture<ThriftReply>, NIODeadline)
        {
            let promise = loop.makePromise(of: ThriftReply.self)
            let deadline = NIODeadline.now() + timeout
            handler.send(
                OutboundCall(
                    method: "echo", oneway: false, arguments: argumentsBody(n, protocol: .binary), deadline: deadline,
                    timeout: timeout, metainfo: metainfo),
                promise: promise, retry: retry)
            loop.run()  // the coalesced flush
            return (promise.futureResult, deadline)
        }

        /// The requests written so far, as (seq id, body).
        func written() throws -> [(Int32, ByteBuffer)] {
            var requests: [(Int32, ByteBuffer)] = []
            var decoder = ThriftFrameDecoder(transport: nil)
            while var bytes = try channel.readOutbound(as: ByteBuffer.self) {
                while let frame = try decoder.decode(buffer: &bytes) {
                    var payload = frame.payload
                    let header = try ThriftMessageHeader.read(from: &payload, protocol: frame.protocolKind)
                    requests.append((header.sequenceID, payload))
                }
            }
            return requests
        }

        func reply(to sequenceID: Int32, body: ByteBuffer, type: ThriftMessageType = .reply) throws {
            var out = ByteBuffer()
            let start = try TTHeader(sequenceID: sequenceID).writeFrameStart(into: &out)
            ThriftMessageHeader(name: "echo", type: type, sequenceID: sequenceID).write(to: &out, protocol: .binary)
            var body = body
            out.writeBuffer(&body)
            try start.finish(in: &out)
            try channel.writeInbound(out)
        }
    }

    static func result(_ future: EventLoopFuture<ThriftReply>) -> Result<ThriftReply, any Error>? {
        // Embedded futures complete synchronously; the box only satisfies Sendable checking.
        let result = Mutex<Result<ThriftReply, any Error>?>(nil)
        future.whenComplete { completed in result.withLock { $0 = completed } }
        return result.withLock { $0 }
    }

    static func failure(_ future: EventLoopFuture<ThriftReply>) -> ClientError? {
        guard case .failure(let error) = result(future) else { return nil }
        return error as? ClientError
    }

    @Test("replies in any order complete their own calls; calls in one tick share one flush")
    func outOfOrder() throws {
        let harness = try Harness()
        let calls = (Int32(0)..<3).map { harness.send($0).0 }
        let requests = try harness.written()
        #expect(requests.map(\.0) == [1, 2, 3])
        for (sequenceID, body) in requests.reversed() {
            try harness.reply(to: sequenceID, body: body)
        }
        for (n, call) in calls.enumerated() {
            guard case .success(let reply) = Self.result(call) else {
                Issue.record("call \(n) did not succeed")
                continue
            }
            #expect(reply.body == argumentsBody(Int32(n), protocol: .binary))
        }
    }

    @Test("a deadline fails the call; its late reply is dropped and the connection stays usable")
    func deadline() throws {
        let harness = try Harness()
        let (late, deadline) = harness.send(1, timeout: .milliseconds(100))
        let (other, _) = harness.send(2, timeout: .seconds(5))
        let requests = try harness.written()
        harness.loop.advanceTime(to: deadline + ThriftClientConnectionHandler.deadlineGranularity)
        #expect(Self.failure(late)?.kind == .requestTimeout)
        #expect(Self.result(other) == nil)
        try harness.reply(to: requests[0].0, body: requests[0].1)  // late: nobody waits
        try harness.reply(to: requests[1].0, body: requests[1].1)
        guard case .success(let reply) = Self.result(other) else {
            Issue.record("second call")
            return
        }
        #expect(reply.body == argumentsBody(2, protocol: .binary))
        #expect(harness.channel.isActive)
    }

    @Test("one timer serves every deadline: none fires early, a later shorter timeout re-arms it sooner")
    func sharedTimer() throws {
        let harness = try Harness()
        let (long, longDeadline) = harness.send(1, timeout: .seconds(5))
        let (short, shortDeadline) = harness.send(2, timeout: .milliseconds(200))
        let answered = (Int32(3)...40).map { harness.send($0, timeout: .milliseconds(300)).0 }
        let requests = try harness.written()
        for (sequenceID, body) in requests.dropFirst(2) { try harness.reply(to: sequenceID, body: body) }
        harness.loop.advanceTime(to: shortDeadline - .milliseconds(1))
        #expect(Self.result(short) == nil)
        harness.loop.advanceTime(to: shortDeadline + ThriftClientConnectionHandler.deadlineGranularity)
        #expect(Self.failure(short)?.kind == .requestTimeout)
        #expect(Self.result(long) == nil)
        // The answered calls' deadlines pass without touching them.
        harness.loop.advanceTime(by: .seconds(1))
        for call in answered {
            guard case .success = Self.result(call) else {
                Issue.record("an answered call was disturbed")
                return
            }
        }
        #expect(Self.result(long) == nil)
        harness.loop.advanceTime(to: longDeadline + ThriftClientConnectionHandler.deadlineGranularity)
        #expect(Self.failure(long)?.kind == .requestTimeout)
    }

    @Test("a closing connection fails every call in flight at once; later calls go to the retry handler")
    func closing() throws {
        let harness = try Harness()
        let calls = (Int32(0)..<5).map { harness.send($0).0 }
        try harness.channel.close().wait()
        for call in calls {
            #expect(Self.failure(call)?.kind == .connectionClosed)
        }
        let retried = Mutex(0)
        let (after, _) = harness.send(9, retry: { _, _ in retried.withLock { $0 += 1 } })
        #expect(retried.withLock { $0 } == 1)
        #expect(Self.result(after) == nil)
        let (noRetry, _) = harness.send(10)
        #expect(Self.failure(noRetry)?.kind == .connectionClosed)
    }

    @Test("an unreadable reply fails every call with a protocol error and closes the connection")
    func garbageReply() throws {
        let harness = try Harness()
        let calls = (Int32(0)..<2).map { harness.send($0).0 }
        _ = try harness.written()
        try harness.channel.writeInbound(ByteBuffer(string: "HTTP/1.1 400 Bad"))
        for call in calls {
            #expect(Self.failure(call)?.kind == .protocolError)
        }
        #expect(!harness.channel.isActive)
    }

    @Test("a CALL message from the server is a protocol error")
    func callFromServer() throws {
        let harness = try Harness()
        let (call, _) = harness.send(1)
        let requests = try harness.written()
        try? harness.reply(to: requests[0].0, body: requests[0].1, type: .call)
        #expect(Self.failure(call)?.kind == .protocolError)
    }

    @Test("exclusive (pooled) connections report reuse after a reply and drop themselves after a timeout")
    func exclusive() throws {
        let harness = try Harness(transport: .framed, exclusive: true)
        let (first, _) = harness.send(1)
        var requests = try harness.written()
        var out = ByteBuffer()
        let start = FramedTransport.writeFrameStart(into: &out)
        ThriftMessageHeader(name: "echo", type: .reply, sequenceID: requests[0].0).write(to: &out, protocol: .binary)
        out.writeBuffer(&requests[0].1)
        try start.finish(in: &out)
        try harness.channel.writeInbound(out)
        #expect((try? Self.result(first)?.get()) != nil)
        #expect(harness.releases.values == [true])

        let (second, deadline) = harness.send(2, timeout: .milliseconds(50))
        requests = try harness.written()
        harness.loop.advanceTime(to: deadline + ThriftClientConnectionHandler.deadlineGranularity)
        #expect(Self.failure(second)?.kind == .requestTimeout)
        #expect(harness.releases.values == [true, false])
        #expect(!harness.channel.isActive)
    }

    @Test("TTHeader requests reuse one encoded header per method and timeout, stamped with each seq id")
    func headerTemplates() throws {
        let harness = try Harness()
        _ = harness.send(1)
        _ = harness.send(2)
        var decoder = ThriftFrameDecoder(transport: .ttheader)
        var headers: [TTHeader] = []
        while var bytes = try harness.channel.readOutbound(as: ByteBuffer.self) {
            while let frame = try decoder.decode(buffer: &bytes) {
                if case .ttheader(let header) = frame.envelope { headers.append(header) }
            }
        }
        #expect(headers.map(\.sequenceID) == [1, 2])
        #expect(headers[0].intInfo == headers[1].intInfo)
        #expect(headers[0].intInfo[.rpcTimeout] == "1000")
    }

    /// The envelopes of the frames written so far.
    static func envelopes(_ harness: Harness, transport: ThriftTransportKind) throws -> [ThriftEnvelope] {
        var decoder = ThriftFrameDecoder(transport: transport)
        var envelopes: [ThriftEnvelope] = []
        while var bytes = try harness.channel.readOutbound(as: ByteBuffer.self) {
            while let frame = try decoder.decode(buffer: &bytes) { envelopes.append(frame.envelope) }
        }
        return envelopes
    }

    @Test("a call's metainfo goes as TTHeader's RPC_TRANSIT_ string keys beside the template's, and only on that call")
    func ttheaderMetainfo() throws {
        let harness = try Harness()
        let traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
        _ = harness.send(1)
        _ = harness.send(2, metainfo: [("traceparent", traceparent), ("tracestate", "k=v")])
        _ = harness.send(3)
        let headers = try Self.envelopes(harness, transport: .ttheader).compactMap { envelope -> TTHeader? in
            if case .ttheader(let header) = envelope { return header }
            return nil
        }
        #expect(headers.map(\.sequenceID) == [1, 2, 3])
        #expect(headers[1].stringInfo == ["isn": "EchoService", "RPC_TRANSIT_traceparent": traceparent, "RPC_TRANSIT_tracestate": "k=v"])
        #expect(headers[1].intInfo == headers[0].intInfo)
        #expect(headers[0].stringInfo == ["isn": "EchoService"])
        #expect(headers[2].stringInfo == ["isn": "EchoService"])
    }

    @Test("a call's metainfo goes as THeader info headers")
    func theaderMetainfo() throws {
        let harness = try Harness(transport: .theader)
        _ = harness.send(1, metainfo: [("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")])
        _ = harness.send(2)
        let headers = try Self.envelopes(harness, transport: .theader).compactMap { envelope -> THeader? in
            if case .theader(let header) = envelope { return header }
            return nil
        }
        #expect(headers.map(\.info) == [["traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"], [:]])
    }
}
