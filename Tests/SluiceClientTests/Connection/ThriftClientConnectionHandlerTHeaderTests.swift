import NIOCore
import NIOEmbedded
import SluiceThrift
import Synchronization
import Testing

@testable import SluiceClient

extension ThriftClientConnectionHandlerTests {
    /// A THeader reply frame as Apache C++ writes it (C++ pads an aligned header section with 4 more bytes).
    static func theaderReply(to sequenceID: Int32, body: ByteBuffer) throws -> ByteBuffer {
        var out = ByteBuffer()
        let start = try THeader(sequenceID: sequenceID, padding: .alwaysSome).writeFrameStart(into: &out)
        ThriftMessageHeader(name: "echo", type: .reply, sequenceID: sequenceID).write(to: &out, protocol: .binary)
        var body = body
        out.writeBuffer(&body)
        try start.finish(in: &out)
        return out
    }

    @Test("a THeader frame with no message (Apache C++ flushing nothing) neither fails calls nor the connection")
    func theaderEmptyFrame() throws {
        let harness = try Harness(transport: .theader)
        let calls = (Int32(0)..<2).map { harness.send($0).0 }
        let requests = try harness.written()
        try harness.channel.writeInbound(Self.theaderReply(to: requests[0].0, body: requests[0].1))
        // What libthrift 0.17's THeaderTransport::flush() writes with an empty write buffer.
        var empty = ByteBuffer()
        empty.writeInteger(UInt32(14))
        empty.writeInteger(THeader.magic)
        empty.writeInteger(UInt16(0))
        empty.writeInteger(requests[0].0)
        empty.writeInteger(UInt16(1))
        empty.writeInteger(UInt32(0))
        try harness.channel.writeInbound(empty)
        try harness.channel.writeInbound(Self.theaderReply(to: requests[1].0, body: requests[1].1))
        for (n, call) in calls.enumerated() {
            guard case .success(let reply) = Self.result(call) else {
                Issue.record("call \(n) did not succeed: \(String(describing: Self.result(call)))")
                continue
            }
            #expect(reply.body == argumentsBody(Int32(n), protocol: .binary))
        }
        #expect(harness.channel.isActive)
    }
}

extension ThriftClientConnectionHandlerTests {
    @Test("a connection whose request bytes reach the budget retires once, answers what it carries, then closes")
    func retiresAfterBudget() throws {
        let retirements = Mutex(0)
        // One byte: the first request spends it.
        let harness = try Harness(transport: .theader, requestByteBudget: 1) { retirements.withLock { $0 += 1 } }
        let (first, _) = harness.send(1)
        #expect(retirements.withLock { $0 } == 1)
        // A call picked before the slot table heard of the retirement still goes out on this connection.
        let (second, _) = harness.send(2)
        #expect(retirements.withLock { $0 } == 1)
        let requests = try harness.written()
        #expect(requests.map(\.0) == [1, 2])

        try harness.channel.writeInbound(Self.theaderReply(to: requests[0].0, body: requests[0].1))
        harness.loop.run()
        #expect(harness.channel.isActive, "a reply is still owed")
        try harness.channel.writeInbound(Self.theaderReply(to: requests[1].0, body: requests[1].1))
        harness.loop.run()
        #expect(!harness.channel.isActive)
        for (n, call) in [first, second].enumerated() {
            guard case .success(let reply) = Self.result(call) else {
                Issue.record("call \(n) did not succeed")
                continue
            }
            #expect(reply.body == argumentsBody(Int32(n + 1), protocol: .binary))
        }
    }

    @Test("a retired connection whose last call times out closes too")
    func retiredTimeout() throws {
        let harness = try Harness(transport: .theader, requestByteBudget: 1)
        let (call, deadline) = harness.send(1, timeout: .milliseconds(100))
        harness.loop.advanceTime(to: deadline + ThriftClientConnectionHandler.deadlineGranularity)
        #expect(Self.failure(call)?.kind == .requestTimeout)
        harness.loop.run()
        #expect(!harness.channel.isActive)
    }
}
