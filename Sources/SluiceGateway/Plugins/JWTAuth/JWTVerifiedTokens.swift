internal import NIOPosix
internal import Synchronization

/// Tokens one event loop's thread has already seen signed: a client sends the same token with every request
/// until it expires, and checking an RS256 signature again costs more than everything else the gateway does for
/// the request. Only the signature's verdict is kept (with the claims it covers); expiry, `nbf`, issuer and
/// audience are checked on every request, and an entry is found only under the very keys that verified it.
///
/// One per thread (NIO's `ThreadSpecificVariable`), so the request path takes no lock. Bounded: at most
/// ``capacity`` tokens of at most ``maxTokenLength`` bytes, emptied when full.
final class JWTVerifiedTokens: @unchecked Sendable {
    // @unchecked: each instance is reached only through the thread-specific slot of the thread that made it.
    struct Key: Hashable {
        /// ``JWTVerifiers/generation``: keys made by a later load never see what earlier keys verified.
        let keys: UInt64
        let token: String
    }

    struct Entry {
        let algorithm: String
        let claims: JWTClaims
    }

    static let capacity = 1024
    static let maxTokenLength = 4096

    private var entries: [Key: Entry] = [:]

    private static let slot = ThreadSpecificVariable<JWTVerifiedTokens>()

    /// This thread's tokens.
    static var current: JWTVerifiedTokens {
        if let tokens = slot.currentValue { return tokens }
        let tokens = JWTVerifiedTokens()
        slot.currentValue = tokens
        return tokens
    }

    func entry(_ token: Substring, keys: UInt64) -> Entry? {
        guard token.utf8.count <= Self.maxTokenLength else { return nil }
        return entries[Key(keys: keys, token: String(token))]
    }

    func remember(_ token: Substring, keys: UInt64, _ entry: Entry) {
        guard token.utf8.count <= Self.maxTokenLength else { return }
        if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
        entries[Key(keys: keys, token: String(token))] = entry
    }
}
