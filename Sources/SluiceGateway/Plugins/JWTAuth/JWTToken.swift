internal import SluiceJSON

/// A compact JWS (RFC 7515 §7.1) taken apart without trusting any of it: the header's `alg` and `kid`, the
/// signed bytes, the signature, and the payload's claims. Only jwt-kit's verifier decides whether to believe it.
///
/// Read by hand with SluiceJSON's scanner rather than jwt-kit's Codable parser: that needs Foundation's JSON
/// decoder and an async verify on an actor, and this runs on the event loop for every request.
struct JWTToken {
    var algorithm: String
    var kid: String?
    /// `header.payload`, the bytes the signature covers.
    var signingInput: Substring.UTF8View
    var signature: [UInt8]
    var claims: JWTClaims

    /// Why a token could not be read (every one a 401).
    struct Malformed: Error {
        let reason: String
        init(_ reason: String) { self.reason = reason }
    }

    /// A token's text is at most this long: past it, a header this size is someone's experiment.
    static let maxLength = 16 * 1024

    /// Taken apart as bytes (a token is ASCII): no `Character` is ever made of it.
    init(_ text: Substring) throws(Malformed) {
        let bytes = text.utf8
        guard bytes.count <= Self.maxLength else { throw Malformed("the token is longer than \(Self.maxLength) bytes") }
        guard let firstDot = bytes.firstIndex(of: UInt8(ascii: ".")),
            let secondDot = bytes[bytes.index(after: firstDot)...].firstIndex(of: UInt8(ascii: ".")),
            !bytes[bytes.index(after: secondDot)...].contains(UInt8(ascii: ".")),
            firstDot != bytes.startIndex, bytes.index(after: firstDot) != secondDot
        else {
            throw Malformed("a token is three base64url parts joined by dots")
        }
        guard let header = Self.base64URL(bytes[..<firstDot]),
            let payload = Self.base64URL(bytes[bytes.index(after: firstDot)..<secondDot]),
            let signature = Self.base64URL(bytes[bytes.index(after: secondDot)...])
        else {
            throw Malformed("a part of the token is not unpadded base64url")
        }
        let fields = try Self.header(header)
        algorithm = fields.algorithm
        kid = fields.kid
        signingInput = Substring(bytes[..<secondDot]).utf8
        self.signature = signature
        claims = try JWTClaims(payload)
    }

    /// RFC 7515 §2: the URL-safe alphabet without padding; anything else is refused rather than read leniently.
    static func base64URL(_ text: Substring.UTF8View.SubSequence) -> [UInt8]? {
        guard !text.contains(where: { $0 == UInt8(ascii: "=") || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "/") }) else { return nil }
        // A native string is contiguous; anything else (bridged) is copied once.
        return text.withContiguousStorageIfAvailable { Base64.decode(UnsafeRawBufferPointer($0)) }
            ?? Array(text).withUnsafeBytes { Base64.decode($0) }
    }

    private static func header(_ bytes: [UInt8]) throws(Malformed) -> (algorithm: String, kid: String?) {
        var algorithm: String?
        var kid: String?
        let ok = bytes.withUnsafeBytes { raw -> Bool in
            var scanner = JSONScanner(bytes: raw, maxDepth: 8)
            do {
                var cursor = try scanner.beginObject()
                while let key = try scanner.nextKey(&cursor) {
                    if scanner.string(key, equals: "alg"), try scanner.peekKind() == .string {
                        algorithm = scanner.decodedString(try scanner.readString())
                    } else if scanner.string(key, equals: "kid"), try scanner.peekKind() == .string {
                        kid = scanner.decodedString(try scanner.readString())
                    } else if scanner.string(key, equals: "crit") {
                        // Extensions the signer says must be understood: none are (RFC 7515 §4.1.11).
                        return false
                    } else {
                        try scanner.skipValue()
                    }
                }
                try scanner.finish()
                return true
            } catch {
                return false
            }
        }
        guard ok, let algorithm else { throw Malformed("the token's header is not a JSON object with an 'alg' (and no 'crit')") }
        return (algorithm, kid)
    }
}

/// The payload's registered claims, and the others as text (a string as is, a number or boolean as written,
/// an array of those as a list); objects are not kept.
struct JWTClaims {
    enum Value: Sendable, Hashable {
        case text(String)
        case list([String])

        var texts: [String] {
            switch self {
            case .text(let value): [value]
            case .list(let values): values
            }
        }
    }

    var expires: Double?
    var notBefore: Double?
    var issuer: String?
    var audiences: [String] = []
    var values: [String: Value] = [:]

    init(_ bytes: [UInt8]) throws(JWTToken.Malformed) {
        var parsed: JWTClaims?
        bytes.withUnsafeBytes { raw in parsed = try? Self.read(raw) }
        guard let parsed else { throw JWTToken.Malformed("the token's payload is not a JSON object of claims") }
        self = parsed
    }

    private init() {}

    private static func read(_ raw: UnsafeRawBufferPointer) throws -> JWTClaims {
        var claims = JWTClaims()
        var scanner = JSONScanner(bytes: raw, maxDepth: 16)
        var cursor = try scanner.beginObject()
        while let key = try scanner.nextKey(&cursor) {
            let name = scanner.decodedString(key)
            switch try scanner.peekKind() {
            case .string:
                let value = scanner.decodedString(try scanner.readString())
                claims.values[name] = .text(value)
            case .number:
                let token = try scanner.readNumber()
                let text = String(decoding: scanner.rawBytes(of: token), as: UTF8.self)
                claims.values[name] = .text(text)
                if name == "exp" { claims.expires = scanner.double(token) }
                if name == "nbf" { claims.notBefore = scanner.double(token) }
            case .bool:
                claims.values[name] = .text(try scanner.readBool() ? "true" : "false")
            case .array:
                var items: [String] = []
                var inner = try scanner.beginArray()
                while try scanner.nextElement(&inner) {
                    switch try scanner.peekKind() {
                    case .string: items.append(scanner.decodedString(try scanner.readString()))
                    case .number: items.append(String(decoding: scanner.rawBytes(of: try scanner.readNumber()), as: UTF8.self))
                    case .bool: items.append(try scanner.readBool() ? "true" : "false")
                    default: try scanner.skipValue()
                    }
                }
                claims.values[name] = .list(items)
            default:
                try scanner.skipValue()
            }
        }
        try scanner.finish()
        // RFC 7519 §4.1: these have fixed types; one of another type is a malformed token, not an absent claim.
        if let value = claims.values["exp"], claims.expires == nil || value.texts.count != 1 { throw JWTToken.Malformed("'exp' is not a number") }
        if let value = claims.values["nbf"], claims.notBefore == nil || value.texts.count != 1 { throw JWTToken.Malformed("'nbf' is not a number") }
        if let value = claims.values["iss"] {
            guard case .text(let issuer) = value else { throw JWTToken.Malformed("'iss' is not a string") }
            claims.issuer = issuer
        }
        if let value = claims.values["aud"] { claims.audiences = value.texts }
        return claims
    }
}
