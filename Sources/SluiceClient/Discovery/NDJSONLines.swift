internal import NIOCore

/// Splits a byte stream into newline-terminated lines (etcd's watch stream is one JSON message per line,
/// however the chunks fall), holding at most `limit` bytes of an unfinished line.
struct NDJSONLines: Sendable {
    let limit: Int
    private var pending = ByteBuffer()

    init(limit: Int) {
        self.limit = limit
    }

    mutating func append(_ bytes: ByteBuffer) {
        var bytes = bytes
        pending.writeBuffer(&bytes)
    }

    /// The next complete line without its newline (blank lines skipped); nil until one is complete. Throws when
    /// a line holds more than `limit` bytes.
    mutating func next() throws(LineTooLong) -> ByteBuffer? {
        while let newline = pending.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) {
            let length = newline - pending.readerIndex
            guard length <= limit else { throw LineTooLong(limit: limit) }
            guard let line = pending.readSlice(length: length) else { return nil }
            pending.moveReaderIndex(forwardBy: 1)
            if line.readableBytesView.contains(where: { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\r") }) {
                return line
            }
        }
        if pending.readableBytes > limit { throw LineTooLong(limit: limit) }
        if pending.readerIndex > 64 * 1024 { pending.discardReadBytes() }
        return nil
    }

    struct LineTooLong: Error, Sendable, Hashable, CustomStringConvertible {
        var limit: Int
        var description: String { "a watch message is longer than \(limit) bytes" }
    }
}
