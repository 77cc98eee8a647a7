internal import Foundation
internal import JWTKit

/// A JWKS document (RFC 7517 §5) read into verification keys: from a `jwks_file` when the routes load, or from a
/// `jwks_url` each time it is fetched. Every key is made now, so one jwt-kit cannot use is reported, not met by a
/// request.
struct JWKSDocument {
    private(set) var keys: [JWTKeySource] = []
    /// What is wrong, each naming the document.
    private(set) var problems: [String] = []

    /// `name`: the file or URL it came from, for its problems.
    init(_ text: String, name: String, origin: ConfigOrigin) {
        let set: JWKS
        do {
            set = try JSONDecoder().decode(JWKS.self, from: Data(text.utf8))
        } catch {
            problems.append("'\(name)' is not a JWKS document ({\"keys\": [...]}): \(error)")
            return
        }
        if set.keys.isEmpty { problems.append("'\(name)' has no keys") }
        for (index, jwk) in set.keys.enumerated() {
            guard jwk.privateExponent == nil else {
                problems.append("key \(index) of '\(name)' is a private key; a JWKS for verifying holds public keys only")
                continue
            }
            let material: JWTKeySource.Material
            do {
                material = try Self.publicKey(jwk)
            } catch {
                problems.append("key \(index) of '\(name)' (kty \(jwk.keyType.rawValue)) is not a usable RSA, P-256, P-384 or Ed25519 public key: \(error)")
                continue
            }
            var algorithms = JWTKeySource.algorithms(of: material)
            if let alg = jwk.algorithm?.rawValue {
                // The JWK's own `alg` is the only one it verifies (RFC 7517 §4.4).
                guard algorithms.contains(alg) else {
                    problems.append("key \(index) of '\(name)' says alg \(alg), which its kind of key cannot verify")
                    continue
                }
                algorithms = [alg]
            }
            keys.append(JWTKeySource(kid: jwk.keyIdentifier?.string, material: material, algorithms: algorithms, origin: origin))
        }
    }

    /// A JWK's public key.
    private static func publicKey(_ jwk: JWK) throws -> JWTKeySource.Material {
        switch (jwk.keyType, jwk.curve?.rawValue) {
        case (.rsa, _):
            guard let modulus = jwk.modulus, let exponent = jwk.exponent else { throw JWTAuthSetupError("it has no 'n' and 'e'") }
            return .rsa(try Insecure.RSA.PublicKey(modulus: modulus, exponent: exponent))
        case (.ecdsa, "P-256"), (.ecdsa, "P-384"):
            guard let x = jwk.x, let y = jwk.y else { throw JWTAuthSetupError("it has no 'x' and 'y'") }
            return jwk.curve?.rawValue == "P-256"
                ? .ecdsaP256(try ES256PublicKey(parameters: (x, y))) : .ecdsaP384(try ES384PublicKey(parameters: (x, y)))
        case (.octetKeyPair, "Ed25519"):
            guard let x = jwk.x else { throw JWTAuthSetupError("it has no 'x'") }
            return .eddsa(try EdDSA.PublicKey(x: x, curve: .ed25519))
        default:
            throw JWTAuthSetupError("unsupported key type or curve")
        }
    }
}
