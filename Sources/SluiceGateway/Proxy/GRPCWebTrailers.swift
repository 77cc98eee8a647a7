internal import NIOCore
internal import NIOHTTP1

/// gRPC-Web carries a call's trailers in the body, since HTTP/1.1 clients (and browsers' fetch) cannot read
/// HTTP trailers: after the messages, one frame whose flag byte has the high bit set (`0x80`), a 4-byte
/// big-endian length, and the trailers as HTTP/1.1 header lines (`name: value\r\n`, names lower-cased).
enum GRPCWebTrailers {
    static let flag: UInt8 = 0x80

    /// The trailer frame for `trailers`, appended to `buffer`.
    static func write(_ trailers: HTTPHeaders, into buffer: inout ByteBuffer) {
        buffer.writeInteger(flag)
        let lengthIndex = buffer.writerIndex
        buffer.writeInteger(UInt32(0))
        let start = buffer.writerIndex
        for field in trailers {
            buffer.writeString(field.name.lowercased())
            buffer.writeStaticString(": ")
            buffer.writeString(field.value)
            buffer.writeStaticString("\r\n")
        }
        buffer.setInteger(UInt32(buffer.writerIndex - start), at: lengthIndex)
    }
}
