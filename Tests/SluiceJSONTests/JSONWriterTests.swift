import NIOCore
import SluiceJSON
import Testing

private func written(_ body: (inout JSONWriter) -> Void) -> String {
    var writer = JSONWriter(buffer: ByteBuffer())
    body(&writer)
    return String(buffer: writer.buffer)
}

@Suite("JSONWriter")
struct JSONWriterTests {
    @Test("inserts separators itself")
    func separators() {
        let json = written { w in
            w.beginObject()
            w.key("a")
            w.int(1)
            w.key("b")
            w.beginArray()
            w.bool(true)
            w.null()
            w.beginObject()
            w.endObject()
            w.beginArray()
            w.endArray()
            w.string("x")
            w.endArray()
            w.key("c")
            w.double(0.5)
            w.endObject()
        }
        #expect(json == #"{"a":1,"b":[true,null,{},[],"x"],"c":0.5}"#)
    }

    @Test("writes integers at the limits")
    func integers() {
        #expect(written { $0.int(Int64.min) } == "-9223372036854775808")
        #expect(written { $0.int(Int64.max) } == "9223372036854775807")
        #expect(written { $0.int(0) } == "0")
        #expect(written { $0.int(Int8(-7)) } == "-7")
        #expect(written { $0.uint(UInt64.max) } == "18446744073709551615")
        #expect(written { $0.quotedInt(-12) } == "\"-12\"")
        #expect(written { w in w.beginObject(); w.intKey(-3); w.int(1); w.endObject() } == #"{"-3":1}"#)
    }

    @Test("writes doubles that read back exactly, and the special values as strings")
    func doubles() {
        #expect(written { $0.double(1) } == "1.0")
        #expect(written { $0.double(0.1) } == "0.1")
        #expect(written { $0.double(-0.0) } == "-0.0")
        #expect(written { $0.double(1e-5) } == "1e-05")
        #expect(written { $0.double(.nan) } == "\"NaN\"")
        #expect(written { $0.double(.infinity) } == "\"Infinity\"")
        #expect(written { $0.double(-.infinity) } == "\"-Infinity\"")
        #expect(Double(written { $0.double(.pi) }) == .pi)
    }

    @Test("escapes quotes, backslashes and control characters")
    func escaping() {
        #expect(written { $0.string("a\"b\\c\n\r\t\u{08}\u{0C}\u{01}\u{1F}é😀/") } == #""a\"b\\c\n\r\t\b\f\u0001\u001fé😀/""#)
        #expect(written { w in w.beginObject(); w.key("k\"ey"); w.null(); w.endObject() } == #"{"k\"ey":null}"#)
    }

    @Test("validates UTF-8 when writing raw bytes")
    func validatesUTF8() {
        var writer = JSONWriter(buffer: ByteBuffer())
        #expect([UInt8]("ok é".utf8).withUnsafeBytes { writer.string(utf8: $0) })
        #expect(![UInt8]([0x61, 0xC3]).withUnsafeBytes { writer.string(utf8: $0) })
        #expect(![UInt8]([0xED, 0xA0, 0x80]).withUnsafeBytes { writer.string(utf8: $0) })
    }
}

@Suite("JSONWriter raw and binary values")
struct JSONWriterRawTests {
    @Test("writes base64 and pre-formatted values with separators")
    func rawValues() {
        var writer = JSONWriter(buffer: ByteBuffer())
        writer.beginArray()
        [UInt8]([0, 1, 2, 0xFF]).withUnsafeBytes { writer.base64($0) }
        Array("\"x\"".utf8).withUnsafeBytes { writer.rawValue($0) }
        writer.endArray()
        #expect(String(buffer: writer.buffer) == #"["AAEC/w==","x"]"#)
    }
}
