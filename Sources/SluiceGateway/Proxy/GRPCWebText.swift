internal import NIOCore
internal import SluiceJSON

/// gRPC-Web's text mode (`application/grpc-web-text`) base64-encodes the stream of length-prefixed messages.
/// Both directions stream: bytes are decoded in 4-character groups and encoded in 3-byte groups as they
/// arrive, and what does not yet fill a group waits for the next chunk. A sender may pad every chunk it
/// writes (browsers' fetch streams do), so a group that ends in `=` may come in the middle. Hand-written
/// because the base64 of packages decodes whole texts only; this reuses SluiceJSON's group coder.
enum GRPCWebText {
    /// Decodes a request body chunk by chunk.
    struct Decoder {
        /// At most three characters of a group not yet complete.
        private var pending: [UInt8] = []

        init() {}

        /// The bytes `chunk` completes; nil when it is not base64.
        mutating func decode(_ chunk: ByteBuffer) -> ByteBuffer? {
            var text = pending
            text.reserveCapacity(pending.count + chunk.readableBytes)
            chunk.withUnsafeReadableBytes { text.append(contentsOf: $0) }
            let whole = text.count / 4 * 4
            var output = ByteBuffer()
            output.reserveCapacity(whole / 4 * 3)
            var start = 0
            // Runs of unpadded groups decode together; a padded group ends its run.
            var index = 0
            while index < whole {
                if text[index + 3] == UInt8(ascii: "=") {
                    guard Self.decode(text[start..<index + 4], into: &output) else { return nil }
                    start = index + 4
                }
                index += 4
            }
            guard Self.decode(text[start..<whole], into: &output) else { return nil }
            pending = Array(text[whole...])
            return output
        }

        /// Whether the body ended on a group boundary (else it was cut short).
        var isComplete: Bool { pending.isEmpty }

        private static func decode(_ text: ArraySlice<UInt8>, into output: inout ByteBuffer) -> Bool {
            if text.isEmpty { return true }
            return text.withUnsafeBytes { Base64.decode($0, into: &output) }
        }
    }

    /// Encodes a response body chunk by chunk, unpadded until ``finish(into:)``.
    struct Encoder {
        /// At most two bytes of a group not yet complete.
        private var pending: [UInt8] = []

        init() {}

        /// The text for the groups `chunk` completes.
        mutating func encode(_ chunk: ByteBuffer, into output: inout ByteBuffer) {
            var bytes = pending
            bytes.reserveCapacity(pending.count + chunk.readableBytes)
            chunk.withUnsafeReadableBytes { bytes.append(contentsOf: $0) }
            let whole = bytes.count / 3 * 3
            bytes[..<whole].withUnsafeBytes { Base64.encode($0, into: &output) }
            pending = Array(bytes[whole...])
        }

        /// The last group, padded.
        mutating func finish(into output: inout ByteBuffer) {
            pending.withUnsafeBytes { Base64.encode($0, into: &output) }
            pending = []
        }
    }
}
