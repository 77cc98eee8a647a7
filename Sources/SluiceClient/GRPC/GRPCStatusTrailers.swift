internal import NIOCore
internal import NIOHPACK
internal import SluiceJSON

/// The call's outcome as the trailers (or a trailers-only response) carry it: `grpc-status`, `grpc-message`
/// percent-decoded, `grpc-status-details-bin` base64-decoded (padded or not, as gRPC allows).
struct GRPCStatusTrailers: Sendable, Hashable {
    var code: Int
    var message: String
    var details: ByteBuffer?

    init(code: Int, message: String, details: ByteBuffer?) {
        self.code = code
        self.message = message
        self.details = details
    }

    init(parsing trailers: HPACKHeaders) throws(GRPCWireError) {
        // One pass with exact comparisons rather than a case-insensitive scan per name: NIOHTTP2 lets no upper-case
        // name in (RFC 9113 §8.2.1), and the first of each counts, as `first(name:)` would.
        var status: String?
        var message: String?
        var details: String?
        for (name, value, _) in trailers {
            switch name {
            case "grpc-status": if status == nil { status = value }
            case "grpc-message": if message == nil { message = value }
            case "grpc-status-details-bin": if details == nil { details = value }
            default: continue
            }
        }
        guard let status else { throw .missingStatus }
        guard !status.isEmpty, status.utf8.count <= 9, status.utf8.allSatisfy({ (0x30...0x39).contains($0) }),
            let code = Int(status)
        else { throw .invalidStatus(status) }
        self.code = code
        self.message = message.map(Self.percentDecoded) ?? ""
        if let encoded = details {
            guard let bytes = Base64.decode(encoded) else { throw .invalidStatusDetails }
            self.details = ByteBuffer(bytes: bytes)
        } else {
            self.details = nil
        }
    }

    /// `%XX` sequences decoded to bytes, read as UTF-8 (invalid sequences replaced); a `%` not followed by two
    /// hex digits is kept as it is, since the spec asks receivers not to fail on a malformed message.
    static func percentDecoded(_ text: String) -> String {
        guard text.utf8.contains(UInt8(ascii: "%")) else { return text }
        let input = Array(text.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(input.count)
        var index = 0
        while index < input.count {
            if input[index] == UInt8(ascii: "%"), index + 2 < input.count,
                let high = hexValue(input[index + 1]), let low = hexValue(input[index + 2])
            {
                output.append(high << 4 | low)
                index += 3
            } else {
                output.append(input[index])
                index += 1
            }
        }
        return String(decoding: output, as: UTF8.self)
    }
}
