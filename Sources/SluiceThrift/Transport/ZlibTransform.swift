import CZlib
import NIOCore

/// THeader's ZLIB transform: the payload as an RFC 1950 zlib stream.
enum ZlibTransform {
    private static let chunk = 16 * 1024

    static func deflate(_ input: ByteBuffer, into output: inout ByteBuffer) throws(ThriftTransportError) {
        var stream = z_stream()
        guard deflateInit_(&stream, Z_DEFAULT_COMPRESSION, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK
        else { throw ThriftTransportError(.compression, "zlib deflateInit failed") }
        defer { deflateEnd(&stream) }
        let status = input.withUnsafeReadableBytes { inputBytes -> Int32 in
            stream.next_in = UnsafeMutablePointer(
                mutating: inputBytes.baseAddress?.assumingMemoryBound(to: Bytef.self))
            stream.avail_in = uInt(inputBytes.count)
            var status = Z_OK
            repeat {
                output.writeWithUnsafeMutableBytes(minimumWritableBytes: chunk) { outputBytes in
                    stream.next_out = outputBytes.baseAddress?.assumingMemoryBound(to: Bytef.self)
                    stream.avail_out = uInt(outputBytes.count)
                    status = CZlib.deflate(&stream, Z_FINISH)
                    return outputBytes.count - Int(stream.avail_out)
                }
            } while status == Z_OK
            return status
        }
        guard status == Z_STREAM_END else {
            throw ThriftTransportError(.compression, "zlib deflate failed (\(status))")
        }
    }

    /// Inflates a whole zlib stream; output beyond `maxLength` bytes is an error (a small frame must not expand
    /// without bound).
    static func inflate(_ input: ByteBuffer, maxLength: Int) throws(ThriftTransportError) -> ByteBuffer {
        var stream = z_stream()
        guard inflateInit_(&stream, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw ThriftTransportError(.compression, "zlib inflateInit failed")
        }
        defer { inflateEnd(&stream) }
        var output = ByteBufferAllocator().buffer(capacity: max(input.readableBytes * 4, 256))
        var tooLong = false
        let status = input.withUnsafeReadableBytes { inputBytes -> Int32 in
            stream.next_in = UnsafeMutablePointer(
                mutating: inputBytes.baseAddress?.assumingMemoryBound(to: Bytef.self))
            stream.avail_in = uInt(inputBytes.count)
            var status = Z_OK
            repeat {
                output.writeWithUnsafeMutableBytes(minimumWritableBytes: chunk) { outputBytes in
                    stream.next_out = outputBytes.baseAddress?.assumingMemoryBound(to: Bytef.self)
                    stream.avail_out = uInt(outputBytes.count)
                    status = CZlib.inflate(&stream, Z_NO_FLUSH)
                    return outputBytes.count - Int(stream.avail_out)
                }
                if output.readableBytes > maxLength {
                    tooLong = true
                    break
                }
                // No progress with input left means the stream is cut short.
                if status == Z_BUF_ERROR && stream.avail_in == 0 { break }
            } while status == Z_OK
            return status
        }
        if tooLong {
            throw ThriftTransportError(.frameTooLarge, "inflated payload exceeds the limit of \(maxLength) bytes")
        }
        guard status == Z_STREAM_END else {
            throw ThriftTransportError(.compression, "zlib inflate failed (\(status)): payload is not a whole zlib stream")
        }
        return output
    }
}
