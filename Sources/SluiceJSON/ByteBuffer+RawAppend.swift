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
            output.copySmall(from: source, count: bytes.count)
            return bytes.count
        }
    }
}

extension UnsafeMutableRawPointer {
    /// Copies `count` bytes from `source` (not overlapping this memory). Keys and most strings are short,
    /// and a call to `memmove` costs more than copying them with two overlapping word loads.
    @inlinable @inline(__always)
    package func copySmall(from source: UnsafeRawPointer, count: Int) {
        if count >= 8 && count <= 16 {
            let head = source.loadUnaligned(as: UInt64.self)
            let tail = source.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
            storeBytes(of: head, as: UInt64.self)
            storeBytes(of: tail, toByteOffset: count - 8, as: UInt64.self)
        } else if count >= 4 && count < 8 {
            let head = source.loadUnaligned(as: UInt32.self)
            let tail = source.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)
            storeBytes(of: head, as: UInt32.self)
            storeBytes(of: tail, toByteOffset: count - 4, as: UInt32.self)
        } else if count < 4 {
            var index = 0
            while index < count {
                storeBytes(of: source.load(fromByteOffset: index, as: UInt8.self), toByteOffset: index, as: UInt8.self)
                index += 1
            }
        } else {
            copyMemory(from: source, byteCount: count)
        }
    }
}
