internal import SluiceJSON
internal import SluiceThrift

extension RequestBinder {
    /// Path segments line up with template segments: the router only matched templates of the same shape,
    /// and a template with a verb only for a path ending in `:verb`.
    func bindPath(_ path: Substring, into bound: inout [BoundValue]) throws(BindingError) {
        let utf8 = path.utf8
        let slash = UInt8(ascii: "/")
        // Skip the leading '/'; the router has checked it is there.
        var segmentStart = utf8.index(after: utf8.startIndex)
        let end = utf8.index(utf8.endIndex, offsetBy: -pathVerbLength, limitedBy: segmentStart) ?? segmentStart
        var segmentIndex = 0
        for variable in pathVariables {
            while segmentIndex < variable.segments.lowerBound {
                // A rest of zero segments (`/v1` for `/v1/{x=**}`) binds nothing.
                guard let separator = utf8[segmentStart..<end].firstIndex(of: slash) else { return }
                segmentStart = utf8.index(after: separator)
                segmentIndex += 1
            }
            let valueStart = segmentStart
            var valueEnd = end
            if !variable.isRest {
                while true {
                    valueEnd = utf8[segmentStart..<end].firstIndex(of: slash) ?? end
                    guard segmentIndex < variable.segments.upperBound - 1, valueEnd != end else { break }
                    segmentStart = utf8.index(after: valueEnd)
                    segmentIndex += 1
                }
            }
            let raw = utf8[valueStart..<valueEnd]
            guard let text = PercentDecoding.decode(raw, plusAsSpace: false, keepingEncodedSlash: variable.keepsEncodedSlash) else {
                throw BindingError(source: variable.source, message: "\(variable.source) is not valid percent-encoded UTF-8")
            }
            bound.append(BoundValue(path: variable.fieldPath, text: text, source: variable.source))
        }
    }

    /// `a=1&b=2&a=3` (an RFC 3986 query or an `application/x-www-form-urlencoded` body: `+` is a space).
    /// Keys no parameter names are ignored.
    func bindPairs(_ pairs: Substring, parameters: [Parameter], into bound: inout [BoundValue]) throws(BindingError) {
        for pair in pairs.utf8.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let equals = pair.firstIndex(of: UInt8(ascii: "="))
            let rawKey = pair[..<(equals ?? pair.endIndex)]
            let rawValue = equals.map { pair[pair.index(after: $0)...] } ?? pair[pair.endIndex...]
            for parameter in parameters where Self.keyMatches(rawKey, parameter.name) {
                guard let value = PercentDecoding.decode(rawValue, plusAsSpace: true) else {
                    throw BindingError(source: parameter.source, message: "\(parameter.source) is not valid percent-encoded UTF-8")
                }
                Self.append(value, for: parameter, into: &bound)
            }
        }
    }

    /// `Cookie: a=1; b=2` (RFC 6265 §4.2.1); every `Cookie` field is read.
    func bindCookies(_ headers: GatewayHeaders, into bound: inout [BoundValue]) {
        for header in headers where GatewayHeaders.sameName(header.name, "cookie") {
            for pair in header.value.split(separator: ";") {
                let trimmed = pair.drop { $0 == " " }
                guard let equals = trimmed.firstIndex(of: "=") else { continue }
                let name = trimmed[..<equals]
                var value = trimmed[trimmed.index(after: equals)...]
                if value.count >= 2, value.first == "\"", value.last == "\"" { value = value.dropFirst().dropLast() }
                for cookie in cookies where cookie.name == name {
                    Self.append(String(value), for: cookie, into: &bound)
                }
            }
        }
    }

    /// Compares a raw query key with a configured name, decoding the key only when it has escapes.
    static func keyMatches(_ rawKey: Substring.UTF8View.SubSequence, _ name: String) -> Bool {
        if !rawKey.contains(UInt8(ascii: "%")), !rawKey.contains(UInt8(ascii: "+")) {
            return rawKey.elementsEqual(name.utf8)
        }
        return PercentDecoding.decode(rawKey, plusAsSpace: true) == name
    }
}

/// A request value that cannot be bound (bad percent-encoding, a malformed form): a 400; or a body the
/// route cannot read: a 415.
struct BindingError: Error, Sendable, Hashable {
    enum Kind: Sendable, Hashable {
        case invalid
        case unsupportedMediaType
    }

    var kind: Kind
    var source: String
    var message: String

    init(_ kind: Kind = .invalid, source: String, message: String) {
        self.kind = kind
        self.source = source
        self.message = message
    }
}
