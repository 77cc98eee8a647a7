internal import NIOCore

/// What a request body is, by its `Content-Type` and the route's taste.
///
/// JSON is `application/json`, any `+json` type, or no `Content-Type` at all. `curl -d '{...}'` sends
/// `application/x-www-form-urlencoded`, so on a route that takes no forms such a body is read as JSON when
/// its first non-blank byte is `{` or `[`; any other body the route cannot read is a 415 (or, on a route
/// with an `api.raw_body` field, only that field's bytes).
enum BodyFormat: Equatable {
    case json
    case formURLEncoded
    case multipart(boundary: String)
    /// Only an `api.raw_body` field takes it.
    case raw

    static let jsonType = "application/json"
    static let formURLEncodedType = "application/x-www-form-urlencoded"
    static let multipartType = "multipart/form-data"

    /// Newline-delimited JSON: the request messages of a client-streaming route, one per line.
    static let ndjsonTypes = ["application/x-ndjson", "application/jsonl"]

    static func of(
        contentType: String?, body: ByteBuffer, takesForms: Bool, takesRaw: Bool, takesNDJSON: Bool = false
    ) throws(BindingError) -> BodyFormat {
        guard let contentType else { return .json }
        let utf8 = contentType.utf8
        let end = utf8.firstIndex(of: UInt8(ascii: ";")) ?? utf8.endIndex
        let mediaType = trimmed(utf8[..<end])
        if equalsIgnoringCase(mediaType, jsonType.utf8) || endsIgnoringCase(mediaType, "+json".utf8) { return .json }
        if takesNDJSON, ndjsonTypes.contains(where: { equalsIgnoringCase(mediaType, $0.utf8) }) { return .json }
        if equalsIgnoringCase(mediaType, formURLEncodedType.utf8) {
            if takesForms { return .formURLEncoded }
            let first = body.readableBytesView.first { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }
            if first == UInt8(ascii: "{") || first == UInt8(ascii: "[") { return .json }
        } else if takesForms, equalsIgnoringCase(mediaType, multipartType.utf8) {
            guard let boundary = parameter("boundary", of: contentType[end...]), !boundary.isEmpty, boundary.utf8.count <= 70 else {
                throw BindingError(source: "the request body", message: "multipart/form-data needs a boundary parameter (1 to 70 characters)")
            }
            return .multipart(boundary: boundary)
        }
        if takesRaw { return .raw }
        let accepted = takesForms ? [jsonType, formURLEncodedType, multipartType] : [jsonType] + (takesNDJSON ? ndjsonTypes : [])
        throw BindingError(
            .unsupportedMediaType, source: "the request body",
            message: "unsupported Content-Type '\(String(decoding: mediaType, as: UTF8.self))': this route accepts \(accepted.joined(separator: ", "))"
        )
    }

    /// The value of `name` in `; a=b; name="c"`, unquoted.
    private static func parameter(_ name: String, of parameters: Substring) -> String? {
        for part in parameters.split(separator: ";") {
            guard let equals = part.firstIndex(of: "=") else { continue }
            let key = part[..<equals].trimmingSpaces
            guard equalsIgnoringCase(key.utf8[...], name.utf8) else { continue }
            var value = part[part.index(after: equals)...].trimmingSpaces
            if value.count >= 2, value.first == "\"", value.last == "\"" { value = value.dropFirst().dropLast() }
            return String(value)
        }
        return nil
    }

    private static func trimmed(_ bytes: Substring.UTF8View.SubSequence) -> Substring.UTF8View.SubSequence {
        var bytes = bytes
        while let first = bytes.first, first == 0x20 || first == 0x09 { bytes = bytes.dropFirst() }
        while let last = bytes.last, last == 0x20 || last == 0x09 { bytes = bytes.dropLast() }
        return bytes
    }

    private static func equalsIgnoringCase(_ bytes: Substring.UTF8View.SubSequence, _ other: String.UTF8View) -> Bool {
        bytes.count == other.count && zip(bytes, other).allSatisfy { GatewayHeaders.asciiLower($0) == $1 }
    }

    private static func endsIgnoringCase(_ bytes: Substring.UTF8View.SubSequence, _ suffix: String.UTF8View) -> Bool {
        bytes.count >= suffix.count && equalsIgnoringCase(bytes.suffix(suffix.count), suffix)
    }
}

extension Substring {
    var trimmingSpaces: Substring {
        var text = self
        while text.first == " " || text.first == "\t" { text = text.dropFirst() }
        while text.last == " " || text.last == "\t" { text = text.dropLast() }
        return text
    }
}
