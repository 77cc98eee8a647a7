import NIOCore
import Testing

@testable import SluiceClient

@Suite("Watch stream line splitting")
struct NDJSONLinesTests {
    @Test("lines split across and within chunks, blank lines skipped")
    func split() throws {
        var lines = NDJSONLines(limit: 100)
        var out: [String] = []
        for chunk in [#"{"a":1}"# + "\n" + #"{"b""#, #":2}"#, "\n\r\n", #"{"c":3}"# + "\n"] {
            lines.append(ByteBuffer(string: chunk))
            while let line = try lines.next() { out.append(String(buffer: line)) }
        }
        #expect(out == [#"{"a":1}"#, #"{"b":2}"#, #"{"c":3}"#])
    }

    @Test("an unfinished line over the limit throws instead of growing")
    func unfinishedTooLong() throws {
        var lines = NDJSONLines(limit: 8)
        lines.append(ByteBuffer(string: "12345678"))
        #expect(try lines.next() == nil)
        lines.append(ByteBuffer(string: "9"))
        #expect(throws: NDJSONLines.LineTooLong.self) { try lines.next() }
    }

    @Test("a complete line over the limit throws too")
    func completeTooLong() {
        var lines = NDJSONLines(limit: 4)
        lines.append(ByteBuffer(string: "123456\n"))
        #expect(throws: NDJSONLines.LineTooLong.self) { try lines.next() }
    }
}
