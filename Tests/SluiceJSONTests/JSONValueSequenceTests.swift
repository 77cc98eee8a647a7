import NIOCore
import SluiceJSON
import Testing

@Suite("JSON value sequences: an array's elements, or NDJSON's values")
struct JSONValueSequenceTests {
    private func values(_ text: String) throws -> [String] {
        let body = ByteBuffer(string: text)
        let ranges = try JSONValueSequence.ranges(in: body).get()
        return ranges.map { String(decoding: Array(body.readableBytesView)[$0], as: UTF8.self) }
    }

    @Test("a top-level array gives its elements, as written")
    func array() throws {
        #expect(try values(#" [ {"a": [1, 2]}, "s" ,3,null] "#) == [#"{"a": [1, 2]}"#, #""s""#, "3", "null"])
        #expect(try values("[]") == [])
    }

    @Test("anything else is a sequence of values: NDJSON, blank lines and all")
    func sequence() throws {
        #expect(try values("{\"a\":1}\n\n{\"b\":[2]}\r\n7\n") == [#"{"a":1}"#, #"{"b":[2]}"#, "7"])
        #expect(try values("  ") == [])
    }

    @Test("broken JSON fails at its offset, inside an element or after the array")
    func errors() throws {
        guard case .failure(let inside) = JSONValueSequence.ranges(in: ByteBuffer(string: #"[{}, {"a" 1}]"#)) else {
            Issue.record("a missing ':' parsed")
            return
        }
        #expect(inside.offset == 10)
        guard case .failure(let after) = JSONValueSequence.ranges(in: ByteBuffer(string: "[1] 2")) else {
            Issue.record("a value after the array parsed")
            return
        }
        #expect(after.offset == 4)
    }
}
