import NIOCore

extension ByteBuffer {
    /// Appends up to `capacity` bytes that `body` stores through a raw pointer and counts, in one step.
    ///
    /// `writeInteger` and `writeBytes` go through `setBytes`, which pays for a collection walk and a dynamic
    /// exclusivity check on the storage per call; a run of small writes (punctuation, a field header, a
    /// length prefix and its bytes) costs one reservation and one writer-index move this way.
    @inlinable @inline(__always)
    package mutating func appendRaw(capacity: Int, _ body: (UnsafeMutableRawPointer) -> Int) {
        writeWithUnsafeMutableBytes(minimumWritableBytes: capacity) { output in
            guard let base = output.baseAddress else { return 0 }
            return body(base)
        }
    }

    /// Appends one byte.
    @inlinable @inline(__always)
    package mutating func appendByte(_ byte: UInt8) {
        appendRaw(capacity: 1) { output in
            output.storeBytes(of: byte, as: UInt8.self)
            return 1
        }
    }

    /// Appends `bytes` as they are.
    @inlinable @inline(__always)
    package mutating func appendBytes(_ bytes: UnsafeRawBufferPointer) {
        guard let source = bytes.baseAddress, bytes.count > 0 else { return }
        appendRaw(capacity: bytes.count) { output in
            output.copyMemory(from: source, byteCount: bytes.count)
            return bytes.count
        }
    }
}
