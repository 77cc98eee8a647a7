internal import NIOCore

/// Several encoded messages in one buffer, each after its 32-bit length: how a client-streaming route's
/// request crosses the protocol-neutral encode → guard → send walk as the one buffer every route has.
enum GRPCMessageList {
    static func append(_ message: ByteBuffer, to list: inout ByteBuffer) {
        list.writeInteger(UInt32(message.readableBytes))
        list.writeImmutableBuffer(message)
    }

    /// The messages, as slices of `list` (no copies).
    static func split(_ list: ByteBuffer) -> [ByteBuffer] {
        var list = list
        var messages: [ByteBuffer] = []
        while let length = list.readInteger(as: UInt32.self), let message = list.readSlice(length: Int(length)) {
            messages.append(message)
        }
        return messages
    }
}
