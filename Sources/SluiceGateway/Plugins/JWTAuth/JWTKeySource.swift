internal import JWTKit
internal import Synchronization

/// A verification key as a route file gives it, already parsed (so a bad PEM or JWKS is a `check` error), and
/// the algorithms it may verify (a JWKS's keys are made into these too). jwt-kit makes its verifier (``JWTVerifiers/prepare(_:)``).
struct JWTKeySource: Sendable {
    enum Material: Sendable {
        case hmac(HMACKey)
        case rsa(Insecure.RSA.PublicKey)
        case ecdsaP256(ES256PublicKey)
        case ecdsaP384(ES384PublicKey)
        case eddsa(EdDSA.PublicKey)
    }

    /// The `kid` a token names it by; nil: any token without a `kid` (or whose `kid` no key has) may try it.
    var kid: String?
    var material: Material
    /// What it verifies, the allowed algorithms its kind of key can do (a JWK's own `alg` narrows them).
    var algorithms: [String]
    /// Where it was given: problems making its verifier are reported there.
    var origin: ConfigOrigin

    /// The algorithms each kind of key can verify: an RSA key never verifies an HMAC signature, whatever a
    /// token's header asks (the HS/RS key confusion).
    static func algorithms(of material: Material) -> [String] {
        switch material {
        case .hmac: ["HS256", "HS384", "HS512"]
        case .rsa: ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512"]
        case .ecdsaP256: ["ES256"]
        case .ecdsaP384: ["ES384"]
        case .eddsa: ["EdDSA"]
        }
    }
}

/// What verifies one (key, algorithm) pair, made by jwt-kit.
struct JWTVerifier: Sendable {
    let kid: String?
    let algorithm: String
    let verifier: any JWTAlgorithm
}

/// Every verifier of one `jwt_auth`, looked up by a token's `alg` and `kid`.
final class JWTVerifiers: Sendable {
    let entries: [JWTVerifier]
    /// Distinct for every set ever made, so a token verified under one is never taken as verified under another
    /// (``JWTVerifiedTokens``), even where memory is reused.
    let generation: UInt64

    private static let generations = Atomic<UInt64>(0)

    init(_ entries: [JWTVerifier]) {
        self.entries = entries
        self.generation = Self.generations.add(1, ordering: .relaxed).newValue
    }

    /// Whether some key may check a token with `alg` and `kid`: the key with that `kid`, or, for a token without
    /// one (or one no key has), a key without a `kid`.
    func has(algorithm: String, kid: String?) -> Bool {
        entries.contains { $0.algorithm == algorithm && ($0.kid == nil || $0.kid == kid) }
    }

    /// Whether one of the keys `token` may be checked with (as ``has(algorithm:kid:)`` chooses them) signed it.
    func verify(_ token: JWTToken) -> Bool {
        let named = token.kid.map { kid in entries.contains { $0.kid == kid && $0.algorithm == token.algorithm } } ?? false
        let signingInput = Array(token.signingInput)
        for entry in entries where entry.algorithm == token.algorithm && (named ? entry.kid == token.kid : entry.kid == nil) {
            if (try? entry.verifier.verify(token.signature, signs: signingInput)) == true { return true }
        }
        return false
    }

    /// jwt-kit's verifier for each key and algorithm. Its key collection is an actor, so this runs where a
    /// configuration is prepared (async), never on the request path, which then calls the verifiers directly.
    static func prepare(_ sources: [JWTKeySource]) async throws(ConfigErrors) -> JWTVerifiers {
        var entries: [JWTVerifier] = []
        var problems: [ConfigDiagnostic] = []
        for source in sources {
            for algorithm in source.algorithms {
                do {
                    entries.append(JWTVerifier(kid: source.kid, algorithm: algorithm, verifier: try await make(source.material, algorithm)))
                } catch {
                    problems.append(source.origin.diagnostic("jwt-kit cannot verify \(algorithm) with this key: \(error)"))
                }
            }
        }
        guard problems.isEmpty else { throw ConfigErrors(problems) }
        return JWTVerifiers(entries)
    }

    private static func make(_ material: JWTKeySource.Material, _ algorithm: String) async throws -> any JWTAlgorithm {
        // A collection per pair, each key under one name: the collection hands back the verifier it made.
        let keys = JWTKeyCollection()
        let kid = JWKIdentifier(string: "key")
        let digest: DigestAlgorithm = algorithm.hasSuffix("384") ? .sha384 : algorithm.hasSuffix("512") ? .sha512 : .sha256
        switch material {
        case .hmac(let key): await keys.add(hmac: key, digestAlgorithm: digest, kid: kid)
        case .rsa(let key) where algorithm.hasPrefix("PS"): await keys.add(pss: key, digestAlgorithm: digest, kid: kid)
        case .rsa(let key): await keys.add(rsa: key, digestAlgorithm: digest, kid: kid)
        case .ecdsaP256(let key): await keys.add(ecdsa: key, kid: kid)
        case .ecdsaP384(let key): await keys.add(ecdsa: key, kid: kid)
        case .eddsa(let key): await keys.add(eddsa: key, kid: kid)
        }
        let verifier = try await keys.getKey(for: kid, alg: algorithm)
        guard verifier.name == algorithm else {
            throw JWTAuthSetupError("the key verifies \(verifier.name), not \(algorithm)")
        }
        return verifier
    }
}

struct JWTAuthSetupError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
