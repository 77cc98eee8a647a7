internal import Crypto
internal import Foundation
internal import JWTKit
internal import NIOCore
internal import Yams

extension PluginReader {
    static let jwtAuthKeys = [
        "secret", "algorithms", "public_keys", "jwks_file", "jwks_url", "jwks_refresh", "issuer", "audience", "leeway", "from", "claims", "claim_headers",
        "hide_credentials",
    ]
    static let jwtAlgorithms = ["HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "EdDSA"]

    /// `claims` binds fields of one call, so only a route's own `jwt_auth` may have it (`routeLevel`).
    mutating func jwtAuth(_ node: Node) -> JWTAuthSettings? {
        guard let fields = reader.fields(of: node, what: "'jwt_auth'", allowed: Self.jwtAuthKeys, suggesting: true) else { return nil }
        var valid = true
        var settings = JWTAuthSettings()
        var fingerprint: [String] = []
        if let field = fields["secret"], let secret = reader.string(field.value, what: "'secret'") {
            // RFC 7518 §3.2: an HMAC key at least as long as the hash; jwt-kit asserts the same.
            let lengths = ["HS256": 32, "HS384": 48, "HS512": 64]
            let usable = lengths.filter { secret.utf8.count >= $0.value }.map(\.key).sorted()
            if usable.isEmpty {
                reader.error(at: field.value, "'secret' must be at least 32 bytes for HS256 (48 for HS384, 64 for HS512)")
                valid = false
            }
            settings.keys.append(JWTKeySource(kid: nil, material: .hmac(HMACKey(from: secret)), algorithms: usable, origin: reader.origin(of: field.value)))
            fingerprint.append("secret:" + SHA256.hash(data: Array(secret.utf8)).map { String($0, radix: 16) }.joined())
        } else if fields["secret"] != nil {
            valid = false
        }
        if let field = fields["public_keys"] {
            for item in reader.sequence(field.value, what: "'public_keys'") ?? [] {
                guard let path = reader.string(item, what: "an entry of 'public_keys' (a PEM file)") else {
                    valid = false
                    continue
                }
                let file = resolve(path)
                files.append(file)
                guard let pem = try? String(contentsOfFile: file, encoding: .utf8) else {
                    reader.error(at: item, "cannot read PEM file '\(file)'")
                    valid = false
                    continue
                }
                guard let material = Self.publicKey(pem) else {
                    reader.error(at: item, "'\(file)' holds no RSA, P-256, P-384 or Ed25519 public key or certificate in PEM")
                    valid = false
                    continue
                }
                settings.keys.append(JWTKeySource(kid: nil, material: material, algorithms: JWTKeySource.algorithms(of: material), origin: reader.origin(of: item)))
                fingerprint.append("pem:" + pem)
            }
            if field.value.sequence == nil { valid = false }
        }
        if let field = fields["jwks_file"], let path = reader.string(field.value, what: "'jwks_file'") {
            let file = resolve(path)
            files.append(file)
            if let text = try? String(contentsOfFile: file, encoding: .utf8) {
                fingerprint.append("jwks:" + text)
                valid = jwks(text, file: file, at: field.value, into: &settings.keys) && valid
            } else {
                reader.error(at: field.value, "cannot read JWKS file '\(file)'")
                valid = false
            }
        } else if fields["jwks_file"] != nil {
            valid = false
        }
        if let field = fields["jwks_url"], let url = reader.string(field.value, what: "'jwks_url'") {
            if url.hasPrefix("http://") || url.hasPrefix("https://"), url.count > 8 {
                var refresh = TimeAmount.minutes(5)
                if let refreshField = fields["jwks_refresh"] {
                    if let value = reader.duration(refreshField.value, what: "'jwks_refresh'") { refresh = value } else { valid = false }
                }
                settings.remote = JWTRemoteKeys.Source(url: url, refresh: refresh, origin: reader.origin(of: field.value))
                fingerprint.append("jwks_url:\(url) every \(refresh.nanoseconds)")
            } else {
                reader.error(at: field.value, "'jwks_url' must be an http:// or https:// URL, not '\(url)'")
                valid = false
            }
        } else if fields["jwks_url"] != nil {
            valid = false
        } else if let field = fields["jwks_refresh"] {
            reader.error(at: field.key, "'jwks_refresh' is how often 'jwks_url' is fetched; there is no 'jwks_url'")
            valid = false
        }
        if valid && settings.keys.isEmpty && settings.remote == nil {
            reader.error(at: node, "'jwt_auth' needs a key: 'secret', 'public_keys', 'jwks_file' or 'jwks_url'")
            valid = false
        }
        // What a fetched JWKS may hold is known only once fetched: any public-key algorithm.
        let remoteAlgorithms = settings.remote == nil ? [] : Self.jwtAlgorithms.filter { !$0.hasPrefix("HS") }
        let supported = Set(settings.keys.flatMap(\.algorithms) + remoteAlgorithms)
        if let field = fields["algorithms"] {
            if let names = strings(field.value, what: "'algorithms'") {
                let items = field.value.sequence.map(Array.init) ?? []
                for (index, name) in names.enumerated() {
                    let at = index < items.count ? items[index] : field.value
                    if !Self.jwtAlgorithms.contains(name) {
                        let hint = name.lowercased() == "none" ? " (unsigned tokens are never accepted)" : ""
                        reader.error(at: at, "unknown algorithm '\(name)'\(hint) (expected some of: \(Self.jwtAlgorithms.joined(separator: ", ")))")
                        valid = false
                    } else if valid, !supported.contains(name) {
                        reader.error(at: at, "no key given can verify \(name)")
                        valid = false
                    }
                }
                settings.algorithms = names
            } else {
                valid = false
            }
        } else {
            settings.algorithms = Self.jwtAlgorithms.filter(supported.contains)
        }
        if let field = fields["issuer"] {
            settings.issuers = strings(field.value, what: "'issuer'")
            valid = settings.issuers != nil && valid
        }
        if let field = fields["audience"] {
            settings.audiences = strings(field.value, what: "'audience'")
            valid = settings.audiences != nil && valid
        }
        if let field = fields["leeway"] {
            if let seconds = reader.wholeSeconds(field.value, what: "'leeway'") { settings.leeway = Double(seconds) } else { valid = false }
        }
        if let field = fields["from"] {
            if let source = tokenSource(field.value) { settings.source = source } else { valid = false }
        }
        if let field = fields["hide_credentials"] {
            if let value = reader.bool(field.value, what: "'hide_credentials'") { settings.hideCredentials = value } else { valid = false }
        }
        if let field = fields["claims"] {
            for pair in reader.stringPairs(field.value, what: "'claims'") ?? [] {
                guard let path = try? PathTemplate.parseFieldPath(pair.text, at: 0) else {
                    reader.error(at: pair.value, "claim '\(pair.name)' must bind a field path like 'req.user', not '\(pair.text)'")
                    valid = false
                    continue
                }
                settings.claimFields.append(.init(claim: pair.name, fieldPath: path, origin: reader.origin(of: pair.value)))
            }
            if field.value.mapping == nil || settings.claimFields.count != field.value.mapping?.count { valid = false }
        }
        if let field = fields["claim_headers"] {
            for pair in reader.stringPairs(field.value, what: "'claim_headers'") ?? [] {
                guard let header = headerName(pair.value, what: "the header for claim '\(pair.name)'") else {
                    valid = false
                    continue
                }
                settings.claimHeaders.append((pair.name, header))
            }
            if field.value.mapping == nil || settings.claimHeaders.count != field.value.mapping?.count { valid = false }
        }
        fingerprint += [
            "algorithms:\(settings.algorithms)", "issuers:\(settings.issuers ?? [])", "audiences:\(settings.audiences ?? [])",
            "leeway:\(settings.leeway)", "from:\(settings.source)", "hide:\(settings.hideCredentials)",
            "claims:\(settings.claimFields.map { "\($0.claim)=\($0.fieldPath)" })", "headers:\(settings.claimHeaders.map { "\($0.claim)=\($0.header)" })",
        ]
        settings.fingerprint = fingerprint.joined(separator: "\n")
        return valid ? settings : nil
    }

    private mutating func tokenSource(_ node: Node) -> JWTAuthSettings.TokenSource? {
        guard let fields = reader.fields(of: node, what: "'from' (one of {header}, {query}, {cookie})", allowed: ["header", "query", "cookie"]),
            fields.count == 1, let (key, field) = fields.first
        else {
            if node.mapping != nil { reader.error(at: node, "'from' names one place: {header: name}, {query: name} or {cookie: name}") }
            return nil
        }
        switch key {
        case "header": return headerName(field.value, what: "'from.header'").map { .header($0) }
        case "query": return reader.string(field.value, what: "'from.query'").map { .query($0) }
        default: return reader.string(field.value, what: "'from.cookie'").map { .cookie($0) }
        }
    }

    /// A public key or certificate in PEM, whichever kind it is.
    private static func publicKey(_ pem: String) -> JWTKeySource.Material? {
        if pem.contains("PRIVATE KEY") { return nil }
        if let key = try? Insecure.RSA.PublicKey(pem: pem) { return .rsa(key) }
        if let key = try? Insecure.RSA.PublicKey(certificatePEM: pem) { return .rsa(key) }
        if let key = try? ES256PublicKey(pem: pem) { return .ecdsaP256(key) }
        if let key = try? ES256PublicKey(certificate: pem) { return .ecdsaP256(key) }
        if let key = try? ES384PublicKey(pem: pem) { return .ecdsaP384(key) }
        if let key = try? ES384PublicKey(certificate: pem) { return .ecdsaP384(key) }
        if let key = try? EdDSA.PublicKey(pem: pem) { return .eddsa(key) }
        return nil
    }

    /// A JWKS document's public keys, each under its `kid`.
    private mutating func jwks(_ text: String, file: String, at node: Node, into keys: inout [JWTKeySource]) -> Bool {
        let document = JWKSDocument(text, name: file, origin: reader.origin(of: node))
        for problem in document.problems { reader.error(at: node, problem) }
        keys += document.keys
        return document.problems.isEmpty
    }

}
