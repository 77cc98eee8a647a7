import NIOCore
import SluiceJSON
import Testing

/// The word-at-a-time and fast-path code must agree with the byte-at-a-time definitions wherever the
/// special byte or the number falls.
@Suite("JSON fast paths")
struct JSONFastPathTests {
    @Test("the word scan finds each special byte at every position, and nothing in plain text")
    func byteScan() {
        let specials: [UInt8] = [0x22, 0x5C, 0x00, 0x1F, 0x80, 0xFF, 0xC3]
        for length in 0..<40 {
            let plain = [UInt8](repeating: UInt8(ascii: "a"), count: length)
            plain.withUnsafeBytes { raw in
                let found = raw.baseAddress.map { JSONByteScan.firstSpecial($0, from: 0, to: length) } ?? 0
                #expect(found == length)
            }
            for position in 0..<length {
                for special in specials {
                    var bytes = plain
                    bytes[position] = special
                    // Bytes just above and below the thresholds are plain.
                    if position + 1 < length { bytes[position + 1] = 0x7F }
                    if position > 0 { bytes[position - 1] = 0x20 }
                    bytes.withUnsafeBytes { raw in
                        #expect(JSONByteScan.firstSpecial(raw.baseAddress!, from: 0, to: length) == position)
                    }
                }
            }
        }
    }

    @Test("strings with an escape or non-ASCII byte anywhere round-trip through scanner and writer")
    func stringsAtEveryOffset() throws {
        for length in 1..<24 {
            for position in 0..<length {
                for inserted in ["\"", "\\", "\n", "\u{01}", "é", "😀", "/"] {
                    var text = String(repeating: "x", count: length)
                    let index = text.index(text.startIndex, offsetBy: position)
                    text.replaceSubrange(index...index, with: inserted)
                    var writer = JSONWriter(buffer: ByteBuffer())
                    writer.string(text)
                    let json = writer.buffer
                    let decoded = json.withUnsafeReadableBytes { raw -> String? in
                        var scanner = JSONScanner(bytes: raw)
                        guard let token = try? scanner.readString() else { return nil }
                        return scanner.decodedString(token)
                    }
                    #expect(decoded == text)
                }
            }
        }
    }

    @Test("doubles read on the fast path equal the general parser's")
    func doubles() {
        var generator = SystemRandomNumberGenerator()
        var samples = [
            "0", "0.0", "-0.0", "1.5", "19.99", "0.1", "0.3", "123456789012345", "1234567890123456",
            "1e22", "1e23", "1e-22", "1e-23", "9007199254740993", "0.000001", "-2.5e-3", "1E+2", "4.35", "0e400",
            "123456.789012345", "0.30000000000000004", "2.2250738585072014e-308", "1.7976931348623157e308",
        ]
        for _ in 0..<2000 {
            let integer = UInt64.random(in: 0..<1_000_000_000, using: &generator)
            let fraction = UInt64.random(in: 0..<1_000_000, using: &generator)
            let exponent = Int.random(in: -30...30, using: &generator)
            samples.append("\(integer).\(fraction)")
            samples.append("-\(integer).\(fraction)e\(exponent)")
        }
        for text in samples {
            let parsed = Array(text.utf8).withUnsafeBytes { raw -> Double? in
                var scanner = JSONScanner(bytes: raw)
                guard let token = try? scanner.readNumber() else { return nil }
                return scanner.double(token)
            }
            let expected = Double(text)
            #expect(parsed?.bitPattern == expected?.bitPattern, "\(text)")
        }
    }

    @Test("members written with a prepared key match key-then-value")
    func preparedKeys() {
        let key = Array(#""k":"#.utf8)
        var writer = JSONWriter(buffer: ByteBuffer())
        writer.beginObject()
        key.withUnsafeBytes { key in
            writer.int(-42, afterKey: key)
            #expect(Array("plain".utf8).withUnsafeBytes { writer.string(utf8: $0, afterKey: key) })
            #expect(Array("needs \"escape\" é".utf8).withUnsafeBytes { writer.string(utf8: $0, afterKey: key) })
            writer.rawKey(key)
            writer.null()
        }
        writer.endObject()
        #expect(String(buffer: writer.buffer) == #"{"k":-42,"k":"plain","k":"needs \"escape\" é","k":null}"#)
    }

    @Test("integers of every length are written like String(_:)")
    func integerLengths() {
        var values: [Int64] = [0, 1, 9, Int64.max, Int64.min, Int64.min + 1]
        var power: Int64 = 10
        while true {
            values += [power - 1, power, power + 1, -(power - 1), -power]
            let (next, overflow) = power.multipliedReportingOverflow(by: 10)
            if overflow { break }
            power = next
        }
        for value in values {
            var writer = JSONWriter(buffer: ByteBuffer())
            writer.int(value)
            #expect(String(buffer: writer.buffer) == String(value))
        }
        var writer = JSONWriter(buffer: ByteBuffer())
        writer.uint(UInt64.max)
        writer.uint(10_000_000_000_000_000_000)
        #expect(String(buffer: writer.buffer) == "18446744073709551615,10000000000000000000")
    }

    @Test("doubles are written exactly as Double.description writes them")
    func doubleText() {
        var generator = SystemRandomNumberGenerator()
        var values: [Double] = [
            0, -0.0, 0.001, 0.000999, 0.1, 0.2, 0.3, 19.25, 19.99, 100, 1e14, 1e15, 999999999999999, 1e15 - 0.5,
            123456789012345.6, 0.30000000000000004, 1e-5, 5e-324, .greatestFiniteMagnitude, 4.35, 2.675, 1.005,
        ]
        for _ in 0..<3000 {
            let cents = Double(Int64.random(in: -10_000_000...10_000_000, using: &generator))
            values.append(cents / 100)
            values.append(cents / 1000)
            values.append(Double(bitPattern: UInt64.random(in: 0...UInt64.max, using: &generator)))
            values.append(Double.random(in: 0.001..<1e15, using: &generator))
            values.append(Double.random(in: 0...1, using: &generator))
        }
        for value in values where value.isFinite {
            var writer = JSONWriter(buffer: ByteBuffer())
            writer.double(value)
            #expect(String(buffer: writer.buffer) == value.description, "\(value.bitPattern)")
        }
    }
}
