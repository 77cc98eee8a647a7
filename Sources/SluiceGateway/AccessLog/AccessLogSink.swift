#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif
internal import Logging
internal import NIOCore
internal import NIOPosix
internal import Synchronization

/// Where an access log's bytes are written: a file opened for appending, or standard output, by one thread of
/// its own, so a slow disk stalls that thread and never an event loop. What waits for it is bounded
/// (``maxPending``): beyond that, buffers are dropped and counted, and the drop is logged once the writer
/// catches up, rather than the gateway's memory growing with a disk that cannot keep up.
final class AccessLogSink: Sendable {
    static let maxPending = 16 * 1024 * 1024

    private let destination: AccessLogSettings.Destination
    private let writer = NIOThreadPool(numberOfThreads: 1)
    /// Touched only on the writer thread once init returns; a mutex all the same, for `Sendable`.
    private let descriptor: Mutex<Int32>
    private let pending = Atomic<Int>(0)
    private let droppedBytes = Atomic<Int>(0)
    /// Written buffers, emptied, for the loops to fill again: a fresh buffer per flush would be allocated, grown
    /// and freed each time, and freeing a large one unmaps it, which interrupts every core that touched it.
    private let spares = Mutex<[ByteBuffer]>([])
    static let spareCapacity = AccessLog.flushBytes + 16 * 1024
    private static let maxSpares = 8
    private let logger: Logger

    init(destination: AccessLogSettings.Destination, logger: Logger) throws(AccessLogError) {
        self.destination = destination
        self.logger = logger
        self.descriptor = Mutex(try Self.openDestination(destination))
        writer.start()
    }

    private static func openDestination(_ destination: AccessLogSettings.Destination) throws(AccessLogError) -> Int32 {
        guard case .file(let path) = destination else { return STDOUT_FILENO }
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw AccessLogError(path: path, message: String(cString: strerror(errno))) }
        return fd
    }

    func append(_ bytes: ByteBuffer) {
        let size = bytes.readableBytes
        guard pending.wrappingAdd(size, ordering: .relaxed).newValue <= Self.maxPending else {
            pending.wrappingSubtract(size, ordering: .relaxed)
            droppedBytes.wrappingAdd(size, ordering: .relaxed)
            return
        }
        writer.submit { _ in
            self.descriptor.withLock { fd in self.writeAll(bytes, to: fd) }
            self.pending.wrappingSubtract(size, ordering: .relaxed)
            // Indices only: `clear()` would copy, as the closure still holds the buffer.
            var emptied = bytes
            emptied.moveReaderIndex(to: 0)
            emptied.moveWriterIndex(to: 0)
            self.spares.withLock { spares in
                if spares.count < Self.maxSpares { spares.append(emptied) }
            }
        }
    }

    /// An empty buffer with room for a flush's worth of entries.
    func spareBuffer() -> ByteBuffer {
        spares.withLock { $0.popLast() } ?? ByteBufferAllocator().buffer(capacity: Self.spareCapacity)
    }

    private func writeAll(_ bytes: ByteBuffer, to fd: Int32) {
        let dropped = droppedBytes.exchange(0, ordering: .relaxed)
        if dropped > 0 {
            logger.warning("access log: the writer fell behind; entries dropped", metadata: ["bytes": "\(dropped)"])
        }
        bytes.withUnsafeReadableBytes { raw in
            guard let base = raw.baseAddress else { return }
            var offset = 0
            while offset < raw.count {
                let written = write(fd, base + offset, raw.count - offset)
                if written > 0 {
                    offset += written
                } else if written < 0, errno == EINTR {
                    continue
                } else {
                    logger.error("access log: write failed", metadata: ["error": "\(String(cString: strerror(errno)))"])
                    return
                }
            }
        }
    }

    /// After what was handed over so far is written: the path is opened again (a rotated file is replaced by a
    /// new one). If it cannot be, the old descriptor is kept.
    func reopen() {
        guard case .file = destination else { return }
        writer.submit { _ in
            self.descriptor.withLock { fd in
                do throws(AccessLogError) {
                    let fresh = try Self.openDestination(self.destination)
                    close(fd)
                    fd = fresh
                } catch {
                    self.logger.error("access log: reopen failed; still writing to the old file", metadata: ["error": "\(error)"])
                }
            }
        }
    }

    /// Writes what was handed over, closes the file and stops the thread.
    func shutdown() async {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            writer.submit { _ in
                self.descriptor.withLock { fd in
                    if fd != STDOUT_FILENO { close(fd) }
                    fd = -1
                }
                done.resume()
            }
        }
        try? await writer.shutdownGracefully()
    }
}
