internal import Logging
internal import NIOCore
internal import Synchronization

/// One access log: entries are formatted on the event loop that answered the request into that loop's own
/// buffer (no lock, no hop), and a loop's buffer goes to the writer thread when it holds ``flushBytes`` or
/// ``flushInterval`` after its first entry. The request path never waits on the file.
final class AccessLog: Sendable {
    static let flushBytes = 64 * 1024
    static let flushInterval = TimeAmount.milliseconds(200)

    let settings: AccessLogSettings
    private let sink: AccessLogSink
    /// The buffers of the loops known at start (the gateway's group), looked up without a lock; a loop
    /// outside it (tests with their own loops) gets one under ``strays``' lock.
    private let buffers: [ObjectIdentifier: LoopLogBuffer]
    private let strays = Mutex<[ObjectIdentifier: LoopLogBuffer]>([:])

    init(settings: AccessLogSettings, group: any EventLoopGroup, logger: Logger) throws(AccessLogError) {
        self.settings = settings
        self.sink = try AccessLogSink(destination: settings.destination, logger: logger)
        var buffers: [ObjectIdentifier: LoopLogBuffer] = [:]
        for loop in group.makeIterator() { buffers[ObjectIdentifier(loop)] = LoopLogBuffer(loop: loop) }
        self.buffers = buffers
    }

    /// Appends `entry` to the buffer of `eventLoop`, which must be the loop this runs on.
    func record(_ entry: AccessLogEntry, on eventLoop: any EventLoop) {
        let buffer = self.buffer(of: eventLoop)
        settings.format.write(entry, into: &buffer.bytes, clock: &buffer.clock)
        if buffer.bytes.readableBytes >= Self.flushBytes {
            flush(buffer)
        } else if !buffer.flushScheduled {
            // One timer at a time: a flush by size leaves it armed, and it flushes what has come since.
            buffer.flushScheduled = true
            eventLoop.assumeIsolated().scheduleTask(in: Self.flushInterval) {
                buffer.flushScheduled = false
                self.flush(buffer)
            }
        }
    }

    private func buffer(of eventLoop: any EventLoop) -> LoopLogBuffer {
        let key = ObjectIdentifier(eventLoop)
        if let known = buffers[key] { return known }
        return strays.withLock { table in
            if let known = table[key] { return known }
            let made = LoopLogBuffer(loop: eventLoop)
            table[key] = made
            return made
        }
    }

    private func flush(_ buffer: LoopLogBuffer) {
        guard buffer.bytes.readableBytes > 0 else { return }
        let bytes = buffer.bytes
        buffer.bytes = sink.spareBuffer()
        sink.append(bytes)
    }

    /// Hands every loop's pending entries to the writer (each on its own loop), then waits for the file.
    func close() async {
        for buffer in buffers.values + strays.withLock({ Array($0.values) }) {
            try? await buffer.loop.submit { self.flush(buffer) }.get()
        }
        await sink.shutdown()
    }

    /// Closes the file and opens its path again, after what was handed over is written (log rotation).
    func reopen() { sink.reopen() }
}

/// An event loop's pending entries. `@unchecked Sendable`: only touched on `loop`, which is also why the
/// runtime's exclusivity checks (a thread-local access set, per access) are not needed on its fields.
final class LoopLogBuffer: @unchecked Sendable {
    let loop: any EventLoop
    @exclusivity(unchecked) var bytes = ByteBufferAllocator().buffer(capacity: AccessLogSink.spareCapacity)
    @exclusivity(unchecked) var clock = AccessLogClock()
    @exclusivity(unchecked) var flushScheduled = false

    init(loop: any EventLoop) { self.loop = loop }
}

/// The access log file (or standard output) could not be opened.
public struct AccessLogError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var message: String

    public var description: String { "access log \(path): \(message)" }
}
