import NIOCore
import Testing
@testable import SluiceGateway

@Suite("HTTP/2 preface detection and outgoing GOAWAY")
struct HTTP2WireTests {
    func detect(_ text: String) -> HTTP2PrefaceDetector.WireProtocol? {
        HTTP2PrefaceDetector.detect(ByteBuffer(string: text).readableBytesView)
    }

    @Test("the whole preface is HTTP/2, its first differing byte HTTP/1.1, a prefix of it undecided")
    func preface() {
        #expect(detect("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n") == .http2)
        #expect(detect("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\0\0\u{12}\u{4}") == .http2)
        #expect(detect("PRI * HTTP/2") == nil)
        #expect(detect("") == nil)
        #expect(detect("GET / HTTP/1.1\r\n") == .http1)
        #expect(detect("POST") == .http1)
        #expect(detect("PRI * HTTP/1.1\r\n") == .http1)
    }

    func frame(_ type: UInt8, length: Int, payload: [UInt8]) -> [UInt8] {
        [UInt8(length >> 16), UInt8(length >> 8 & 0xff), UInt8(length & 0xff), type, 0, 0, 0, 0, 0] + payload
    }

    func goAway(_ code: UInt32) -> [UInt8] {
        let payload: [UInt8] = [0, 0, 0, 1, UInt8(code >> 24), UInt8(code >> 16 & 0xff), UInt8(code >> 8 & 0xff), UInt8(code & 0xff)]
        return frame(7, length: 8, payload: payload)
    }

    @Test("a GOAWAY with an error code is found; NO_ERROR and other frames are not")
    func goAwayCodes() {
        var frames = HTTP2OutboundFrames()
        #expect(frames.scan(ByteBuffer(bytes: frame(4, length: 0, payload: []))) == nil)
        #expect(frames.scan(ByteBuffer(bytes: goAway(0))) == nil)
        #expect(frames.scan(ByteBuffer(bytes: goAway(0xb))) == 0xb)
        #expect(frames.scan(ByteBuffer(bytes: frame(4, length: 0, payload: []) + goAway(1))) == 1)
    }

    @Test("a DATA payload written apart from its header is skipped, even when it looks like a GOAWAY")
    func dataPayloadSkipped() {
        var frames = HTTP2OutboundFrames()
        let lookalike = goAway(0xb)
        #expect(frames.scan(ByteBuffer(bytes: frame(0, length: lookalike.count + 3, payload: []))) == nil)
        #expect(frames.scan(ByteBuffer(bytes: lookalike)) == nil)
        #expect(frames.scan(ByteBuffer(bytes: [1, 2, 3] + goAway(2))) == 2)
    }
}

@Suite("HTTP/2 early answer")
struct HTTP2EarlyAnswerTests {
    @Test("what arrives after an early answer is dropped up to the budget; one byte more stops the request")
    func budget() {
        var drop = HTTP2EarlyAnswer()
        let first = drop.dropped(HTTP2EarlyAnswer.budget - 1)
        let atBudget = drop.dropped(1)
        let past = drop.dropped(1)
        #expect(!first)
        #expect(!atBudget)
        #expect(past)
    }
}
