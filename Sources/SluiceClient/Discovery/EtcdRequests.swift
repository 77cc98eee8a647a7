internal import NIOCore
internal import SluiceJSON

/// The request bodies of etcd v3's JSON gateway (keys and values travel as base64), for one key prefix.
struct EtcdRequests: Sendable, Hashable {
    let prefix: [UInt8]
    /// The first key after every key that starts with `prefix` (etcd's `GetPrefixRangeEnd`).
    let rangeEnd: [UInt8]

    init(prefix: [UInt8]) {
        self.prefix = prefix
        self.rangeEnd = Self.rangeEnd(of: prefix)
    }

    /// Kitex registry-etcd's prefix for `service`: `kitex/registry-etcd/<service>/`.
    static func kitexPrefix(service: String, root: String = "kitex/registry-etcd") -> [UInt8] {
        Array("\(root)/\(service)/".utf8)
    }

    /// The prefix with its last byte below 0xFF incremented and what follows dropped; `[0]` (every key) when
    /// every byte is 0xFF, as etcd's clients do.
    static func rangeEnd(of prefix: [UInt8]) -> [UInt8] {
        var end = prefix
        while let last = end.last {
            if last < 0xFF {
                end[end.count - 1] = last + 1
                return end
            }
            end.removeLast()
        }
        return [0]
    }

    /// `POST /v3/kv/range`: every key under the prefix.
    func range() -> ByteBuffer {
        var writer = JSONWriter(buffer: ByteBuffer())
        writer.beginObject()
        writeRange(into: &writer)
        writer.endObject()
        return writer.buffer
    }

    /// `POST /v3/kv/range` asking only how many keys are under the prefix: a liveness probe whose answer is
    /// a few bytes however many endpoints are registered.
    func count() -> ByteBuffer {
        var writer = JSONWriter(buffer: ByteBuffer())
        writer.beginObject()
        writeRange(into: &writer)
        writer.key("count_only")
        writer.bool(true)
        writer.endObject()
        return writer.buffer
    }

    /// `POST /v3/watch`: changes under the prefix from `startRevision` on.
    func watch(startRevision: Int64) -> ByteBuffer {
        var writer = JSONWriter(buffer: ByteBuffer())
        writer.beginObject()
        writer.key("create_request")
        writer.beginObject()
        writeRange(into: &writer)
        writer.key("start_revision")
        writer.int(startRevision)
        writer.endObject()
        writer.endObject()
        return writer.buffer
    }

    /// `"key"` and `"range_end"`: every key under the prefix.
    private func writeRange(into writer: inout JSONWriter) {
        writer.key("key")
        prefix.withUnsafeBytes { writer.base64($0) }
        writer.key("range_end")
        rangeEnd.withUnsafeBytes { writer.base64($0) }
    }
}
