// Why hand-written: the gateway needs only `multipart/form-data` names and values over bytes it already holds
// (the body limit bounds them), without copying parts into a package's own types; forty lines do that,
// strictly, and report a malformed body as a 400 instead of guessing.

internal import NIOCore

/// RFC 7578 `multipart/form-data`: the parts of a collected body, as ranges of it.
enum MultipartFormData {
    struct Part: Equatable {
        var name: String
        /// The part's content, as indices into the parsed bytes.
        var body: Range<Int>
    }

    static func parse(_ bytes: ByteBufferView, boundary: String) throws(BindingError) -> [Part] {
        func malformed(_ why: String) -> BindingError {
            BindingError(source: "the request body", message: "malformed multipart/form-data body: \(why)")
        }
        let delimiter = Array("--\(boundary)".utf8)
        let partEnd = Array("\r\n--\(boundary)".utf8)
        // A preamble before the first delimiter is allowed and ignored (RFC 2046 §5.1.1).
        guard var index = find(delimiter, in: bytes, from: bytes.startIndex) else { throw malformed("no boundary") }
        index += delimiter.count
        var parts: [Part] = []
        while true {
            if bytes[index...].starts(with: "--".utf8) { return parts }
            guard bytes[index...].starts(with: "\r\n".utf8) else { throw malformed("a boundary is not followed by CRLF") }
            index += 2
            guard let headersEnd = find(Array("\r\n\r\n".utf8), in: bytes, from: index - 2) else {
                throw malformed("a part's header fields do not end")
            }
            var name: String? = nil
            let head = String(decoding: bytes[index..<max(index, headersEnd)], as: UTF8.self)
            for line in head.split(separator: "\r\n") {
                guard let colon = line.firstIndex(of: ":") else { throw malformed("header field without ':'") }
                guard line[..<colon].lowercased() == "content-disposition" else { continue }
                name = dispositionName(line[line.index(after: colon)...])
            }
            guard let name else { throw malformed("a part has no Content-Disposition name") }
            let start = headersEnd + 4
            guard let end = find(partEnd, in: bytes, from: start) else { throw malformed("a part does not end with the boundary") }
            parts.append(Part(name: name, body: start..<end))
            index = end + partEnd.count
        }
    }

    /// `form-data; name="field"; filename="a.txt"` -> `field`.
    private static func dispositionName(_ value: Substring) -> String? {
        for parameter in value.split(separator: ";").dropFirst() {
            let parameter = parameter.trimmingSpaces
            guard parameter.hasPrefix("name=") else { continue }
            var name = parameter.dropFirst(5)
            if name.count >= 2, name.first == "\"", name.last == "\"" { name = name.dropFirst().dropLast() }
            return String(name)
        }
        return nil
    }

    private static func find(_ needle: [UInt8], in bytes: ByteBufferView, from start: Int) -> Int? {
        guard needle.count <= bytes.endIndex - start else { return nil }
        var index = start
        while index <= bytes.endIndex - needle.count {
            if bytes[index] == needle[0] && bytes[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }
}
