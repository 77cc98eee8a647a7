import NIOCore
import SluiceThrift
import Testing

@Suite("ThriftSkipper")
struct ThriftSkipperTests {
    /// thrift-wire.md §2.2 (payload of the THeader fixture) and §1.7 T1 (payload), §3 (compact add).
    static let messages: [(ThriftProtocolKind, String)] = [
        (.binary, "80010001 00000003 616464 00000000 08 0001 00000001 08 0002 00000001 00"),
        (.binary, "80010001 00000004 4563686f 00000001 0c0001 0b0001 00000002 6869 00 00"),
        (.compact, "822100036164641502150200"),
        (.compact, "82 41 05 03 616464 " + CompactProtocolTests.vector),
    ]

    @Test("measures a complete message, ignoring what follows it")
    func measures() throws {
        for (kind, text) in Self.messages {
            let bytes = hexBytes(text)
            var buffer = ByteBuffer(bytes: bytes + [0xAA, 0xBB])
            #expect(try ThriftSkipper.messageLength(in: buffer, protocol: kind) == bytes.count)
            buffer.moveReaderIndex(forwardBy: 0)
        }
    }

    @Test("answers nil for every incomplete prefix")
    func incomplete() throws {
        for (kind, text) in Self.messages {
            let bytes = hexBytes(text)
            for length in 0..<bytes.count {
                let buffer = ByteBuffer(bytes: bytes[0..<length])
                #expect(try ThriftSkipper.messageLength(in: buffer, protocol: kind) == nil)
            }
        }
    }

    @Test("starts at the reader index")
    func readerIndex() throws {
        let bytes = hexBytes(Self.messages[0].1)
        var buffer = ByteBuffer(bytes: [1, 2, 3] + bytes)
        buffer.moveReaderIndex(forwardBy: 3)
        #expect(try ThriftSkipper.messageLength(in: buffer, protocol: .binary) == bytes.count)
    }

    @Test("rejects what cannot be a message")
    func malformed() {
        let cases: [(ThriftProtocolKind, String, ThriftProtocolError.Kind)] = [
            (.binary, "00000003 616464 01 00000000 00", .badVersion),  // unversioned (old) binary
            (.binary, "80020001 00000000 00000000 00", .badVersion),
            (.binary, "80010001 00000000 00000000 07 0001", .invalidType),
            (.binary, "80010001 ffffffff", .negativeSize),
            (.compact, "8222 00 00 00", .badVersion),
            (.compact, "8321 00 00 00", .badVersion),
            (.compact, "8221 00 00 0e", .invalidType),
        ]
        for (kind, text, expected) in cases {
            #expect(throws: ThriftProtocolError.self) {
                _ = try ThriftSkipper.messageLength(in: ByteBuffer(bytes: hexBytes(text)), protocol: kind)
            }
            do {
                _ = try ThriftSkipper.messageLength(in: ByteBuffer(bytes: hexBytes(text)), protocol: kind)
            } catch {
                #expect(error.kind == expected, "\(text)")
            }
        }
    }

    @Test("refuses declared sizes beyond the limit instead of waiting for them")
    func limit() {
        let huge = ByteBuffer(bytes: hexBytes("80010001 00000003 616464 00000000 0b 0001 7fffffff"))
        #expect(throws: ThriftProtocolError.self) {
            _ = try ThriftSkipper.messageLength(in: huge, protocol: .binary, maxLength: 1024)
        }
    }

    @Test("skips nested values and measures bare structs")
    func structs() throws {
        let bytes = hexBytes(CompactProtocolTests.vector)
        #expect(try ThriftSkipper.structLength(in: ByteBuffer(bytes: bytes), protocol: .compact) == bytes.count)
        let deep = [UInt8](repeating: 0x0C, count: 1) + Array(repeating: [0x0C, 0x00, 0x01], count: 100).flatMap { $0 }
        #expect(throws: ThriftProtocolError.self) {
            _ = try ThriftSkipper.structLength(in: ByteBuffer(bytes: Array(deep.dropFirst())), protocol: .binary)
        }
    }
}

@Suite("ThriftParsingLengthFinder")
struct ThriftParsingLengthFinderTests {
    @Test("frames Buffered messages arriving a byte at a time")
    func buffered() throws {
        let first = hexBytes(ThriftSkipperTests.messages[0].1)
        let second = hexBytes(ThriftSkipperTests.messages[1].1)
        var buffer = ByteBuffer()
        var messages: [[UInt8]] = []
        for byte in first + second {
            buffer.writeInteger(byte)
            if let message = try BufferedTransport.readMessage(
                from: &buffer, protocol: .binary, finder: ThriftParsingLengthFinder())
            {
                messages.append(Array(message.readableBytesView))
            }
        }
        #expect(messages == [first, second])
        #expect(buffer.readableBytes == 0)
    }

    @Test("turns malformed bytes into a transport error")
    func malformed() {
        var buffer = ByteBuffer(bytes: hexBytes("00000003 616464 01 00000000 00"))
        #expect(throws: ThriftTransportError.self) {
            _ = try BufferedTransport.readMessage(from: &buffer, protocol: .binary, finder: ThriftParsingLengthFinder())
        }
    }
}
