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
        guard let status = trailers.first(name: "grpc-status") else { throw .missingStatus }
        guard !status.isEmpty, status.utf8.count <= 9, status.utf8.allSatisfy({ (0x30...0x39).contains($0) }),
            let code = Int(status)
        else { throw .invalidStatus(status) }
        self.code = code
        self.message = trailers.first(name: "grpc-message").map(Self.percentDecoded) ?? ""
        if let encoded = trailers.first(name: "grpc-status-details-bin") {
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
