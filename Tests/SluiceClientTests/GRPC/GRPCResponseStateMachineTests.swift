import NIOCore
import NIOHPACK
import Testing
@testable import SluiceClient

/// A call's response frames in every order a server may send them, and the orders it may not.
@Suite("gRPC response state machine")
struct GRPCResponseStateMachineTests {
    static let ok = HPACKHeaders([(":status", "200"), ("content-type", "application/grpc+proto"), ("x-h", "1")])
    static let trailers = HPACKHeaders([("grpc-status", "0"), ("x-t", "2")])

    static func framed(_ texts: String...) -> ByteBuffer {
        var buffer = ByteBuffer()
        for text in texts { GRPCMessageReassembler.frame(ByteBuffer(string: text), into: &buffer) }
        return buffer
    }

    @Test("unary: headers, the message, trailers make the reply with both metadata sets")
    func unary() throws {
        var machine = GRPCResponseStateMachine(mode: .unary, maxMessageSize: 100)
        #expect(try machine.receiveHeaders(Self.ok, endStream: false) == nil)
        try machine.receiveData(Self.framed("answer"), endStream: false)
        let reply = try #require(try machine.receiveHeaders(Self.trailers, endStream: true))
        #expect(reply.statusCode == 0)
        #expect(reply.message.map { String(buffer: $0) } == "answer")
        #expect(reply.headers.map(\.name) == ["content-type", "x-h"])
        #expect(reply.trailers.map(\.name) == ["grpc-status", "x-t"])
    }

    @Test("unary: a second message is an error")
    func extraMessage() throws {
        var machine = GRPCResponseStateMachine(mode: .unary, maxMessageSize: 100)
        _ = try machine.receiveHeaders(Self.ok, endStream: false)
        #expect(throws: GRPCWireError.extraMessage) { try machine.receiveData(Self.framed("a", "b"), endStream: false) }
    }

    @Test("frames out of order are errors", arguments: [0, 1, 2])
    func outOfOrder(step: Int) throws {
        var machine = GRPCResponseStateMachine(mode: .unary, maxMessageSize: 100)
        switch step {
        case 0:
            #expect(throws: GRPCWireError.unexpectedData) { try machine.receiveData(Self.framed("a"), endStream: false) }
        case 1:
            _ = try machine.receiveHeaders(Self.ok, endStream: false)
            #expect(throws: GRPCWireError.unexpectedHeaders) { try machine.receiveHeaders(Self.trailers, endStream: false) }
        default:
            _ = try machine.receiveHeaders(Self.ok, endStream: false)
            _ = try machine.receiveHeaders(Self.trailers, endStream: true)
            #expect(throws: GRPCWireError.unexpectedHeaders) { try machine.receiveHeaders(Self.trailers, endStream: true) }
            #expect(throws: GRPCWireError.unexpectedData) { try machine.receiveData(Self.framed("a"), endStream: false) }
        }
    }

    @Test("a trailers-only response may leave out the content-type, but not have a wrong one")
    func trailersOnlyContentType() throws {
        var bare = GRPCResponseStateMachine(mode: .unary, maxMessageSize: 100)
        let reply = try bare.receiveHeaders(HPACKHeaders([(":status", "200"), ("grpc-status", "14")]), endStream: true)
        #expect(reply?.statusCode == 14)
        var wrong = GRPCResponseStateMachine(mode: .unary, maxMessageSize: 100)
        #expect(throws: GRPCWireError.contentType("application/json")) {
            try wrong.receiveHeaders(
                HPACKHeaders([(":status", "200"), ("content-type", "application/json"), ("grpc-status", "0")]), endStream: true)
        }
        var missing = GRPCResponseStateMachine(mode: .unary, maxMessageSize: 100)
        #expect(throws: GRPCWireError.httpStatus(nil)) { try missing.receiveHeaders(HPACKHeaders(), endStream: false) }
    }

    @Test("streaming: messages are taken one by one, the reply only once all are taken")
    func streaming() throws {
        var machine = GRPCResponseStateMachine(mode: .streaming, maxMessageSize: 100)
        _ = try machine.receiveHeaders(Self.ok, endStream: false)
        try machine.receiveData(Self.framed("one", "two"), endStream: false)
        #expect(try machine.receiveHeaders(Self.trailers, endStream: true)?.message == nil)
        #expect(machine.finalReply == nil)
        #expect(try machine.nextMessage().map { String(buffer: $0) } == "one")
        #expect(try machine.nextMessage().map { String(buffer: $0) } == "two")
        #expect(try machine.nextMessage() == nil)
        #expect(machine.finalReply?.statusCode == 0)
    }

    @Test("streaming: trailers after half a message are an error when the half comes up")
    func streamingTruncated() throws {
        var machine = GRPCResponseStateMachine(mode: .streaming, maxMessageSize: 100)
        _ = try machine.receiveHeaders(Self.ok, endStream: false)
        try machine.receiveData(ByteBuffer(bytes: [0, 0, 0, 0, 9, 1]), endStream: false)
        _ = try machine.receiveHeaders(Self.trailers, endStream: true)
        #expect(throws: GRPCWireError.truncatedMessage(pending: 6)) { try machine.nextMessage() }
    }
}
