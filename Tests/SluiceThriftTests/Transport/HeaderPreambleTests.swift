import NIOCore
import SluiceThrift
import Testing

@Suite("Header preamble")
struct HeaderPreambleTests {
    /// A frame (length included) whose part after the length is `bytes`.
    private func frame(_ bytes: [UInt8]) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeInteger(UInt32(bytes.count))
        buffer.writeBytes(bytes)
        return buffer
    }

    @Test("a wrong magic names the format and both magics")
    func wrongMagic() {
        let bytes: [UInt8] = [0x0F, 0xFF, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0]
        var tt = frame(bytes)
        #expect {
            _ = try TTHeader.readFrame(from: &tt)
        } throws: { error in
            (error as? ThriftTransportError)?.message == "expected TTHeader magic 0x1000, found 0xfff"
        }
        var apache = frame([0x10, 0x00] + bytes.dropFirst(2))
        #expect {
            _ = try THeader.readFrame(from: &apache)
        } throws: { error in
            (error as? ThriftTransportError)?.message == "expected THeader magic 0x0FFF, found 0x1000"
        }
    }

    @Test("a preamble cut short is reported at byte 4")
    func truncated() {
        var tt = frame([0x10, 0x00, 0x00])
        #expect {
            _ = try TTHeader.readFrame(from: &tt)
        } throws: { error in
            let error = error as? ThriftTransportError
            return error?.offset == 4 && error?.message == "TTHeader preamble is truncated"
        }
    }
}
