import NIOCore
import SluiceJSON

/// A non-OK gRPC status as grpc-gateway's error body: `{"code": 5, "message": "...", "details": [...]}`, the
/// details being the `google.rpc.Status` a server put in `grpc-status-details-bin`, each an `Any` in protobuf
/// JSON (`{"@type": "type.googleapis.com/google.rpc.BadRequest", "fieldViolations": [...]}`), resolved
/// through the schema (``ProtobufSchema/addingRPCStatusFiles(to:)`` makes the standard detail types known).
///
/// - `code` and `message` are the trailers' (`grpc-status`, `grpc-message`), which the gRPC protocol makes
///   the status; the copies inside the details are not read.
/// - `details` is always there, `[]` when there are none (grpc-gateway's default marshaller emits
///   unpopulated fields), and also when the details bytes are not a readable `google.rpc.Status`: the
///   status is still worth sending, and ``Outcome/unreadableDetails`` says why for the log.
/// - A detail whose type the schema does not know, or whose bytes do not read as that type, is written as
///   `{"@type": "<url>", "value": "<base64 of its bytes>"}` (the `Any`'s own fields) rather than failing the
///   whole body; ``Outcome/rawDetails`` counts them.
public enum ProtobufStatusJSON {
    public struct Outcome: Sendable, Hashable {
        /// Why the details bytes were left out, when they were given but are not a `google.rpc.Status`.
        public var unreadableDetails: ProtobufTranscodeError?
        /// How many details were written as their type URL and base64 bytes.
        public var rawDetails: Int
    }

    /// Appends the error body for status `code` with `message` and the details bytes (base64-decoded
    /// `grpc-status-details-bin`, nil when the trailer was absent) to `output`.
    @discardableResult
    public static func write(
        code: Int,
        message: String,
        details: ByteBuffer?,
        schema: ProtobufSchema,
        options: ProtobufTranscodeOptions = ProtobufTranscodeOptions(),
        into output: inout ByteBuffer
    ) -> Outcome {
        var outcome = Outcome(unreadableDetails: nil, rawDetails: 0)
        var json = JSONWriter(buffer: output)
        output = ByteBuffer()  // the writer now holds the only reference, so appends never copy
        defer { output = json.buffer }
        json.beginObject()
        json.key("code")
        json.int(code)
        json.key("message")
        json.string(message)
        json.key("details")
        json.beginArray()
        if let details {
            details.withUnsafeReadableBytes { bytes in
                do throws(ProtobufTranscodeError) {
                    let anys = try detailRanges(bytes, depth: options.maxDepth)
                    for any in anys {
                        if !writeDetail(bytes, any, schema: schema, options: options, into: &json) {
                            outcome.rawDetails += 1
                        }
                    }
                } catch {
                    outcome.unreadableDetails = error
                }
            }
        }
        json.endArray()
        json.endObject()
        return outcome
    }

    /// The `details` (field 3) of a `google.rpc.Status`, each an `Any`'s bytes, after checking the whole
    /// message reads: a truncated status adds no detail at all rather than some.
    private static func detailRanges(_ bytes: UnsafeRawBufferPointer, depth: Int) throws(ProtobufTranscodeError)
        -> [Range<Int>]
    {
        var ranges: [Range<Int>] = []
        var reader = ProtobufWireReader(bytes: bytes, range: 0..<bytes.count)
        while !reader.isAtEnd {
            let (number, wireType) = try reader.tag()
            if number == 3 && wireType == .lengthDelimited {
                ranges.append(try reader.lengthDelimited())
            } else {
                try reader.skip(wireType, number: number, depth: depth)
            }
        }
        return ranges
    }

    /// One detail as protobuf JSON; false when it was written in the raw form instead.
    private static func writeDetail(
        _ bytes: UnsafeRawBufferPointer, _ any: Range<Int>, schema: ProtobufSchema, options: ProtobufTranscodeOptions,
        into json: inout JSONWriter
    ) -> Bool {
        var url = any.lowerBound..<any.lowerBound
        var value = any.lowerBound..<any.lowerBound
        var reader = ProtobufWireReader(bytes: bytes, range: any)
        do throws(ProtobufTranscodeError) {
            while !reader.isAtEnd {
                let (number, wireType) = try reader.tag()
                if number == 1 && wireType == .lengthDelimited {
                    url = try reader.lengthDelimited()
                } else if number == 2 && wireType == .lengthDelimited {
                    value = try reader.lengthDelimited()
                } else {
                    try reader.skip(wireType, number: number, depth: options.maxDepth)
                }
            }
        } catch {
            // Not an Any: its bytes, base64, under an empty type.
            writeRaw(
                url: UnsafeRawBufferPointer(start: nil, count: 0), value: UnsafeRawBufferPointer(rebasing: bytes[any]),
                into: &json)
            return false
        }
        let urlBytes = UnsafeRawBufferPointer(rebasing: bytes[url])
        let valueBytes = UnsafeRawBufferPointer(rebasing: bytes[value])
        var decoded = ProtobufToJSON(
            schema: schema, table: schema.table, options: options, json: JSONWriter(buffer: ByteBuffer()))
        if decoded.writeAnyIfKnown(url: urlBytes, value: valueBytes, depth: options.maxDepth) {
            decoded.json.buffer.withUnsafeReadableBytes { json.rawValue($0) }
            return true
        }
        writeRaw(url: urlBytes, value: valueBytes, into: &json)
        return false
    }

    private static func writeRaw(
        url: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer, into json: inout JSONWriter
    ) {
        json.beginObject()
        json.key("@type")
        json.string(String(decoding: url, as: UTF8.self))
        json.key("value")
        json.base64(value)
        json.endObject()
    }
}
