internal import Crypto

/// Whether an admin request may be served: `/healthz` always (load balancers probe it without secrets), and the
/// dashboard's page and script (they hold no data: the page sends the token on its own requests); everything
/// else needs `Authorization: Bearer <token>` when a token is set.
struct AdminAuthorization: Sendable {
    let token: String?

    enum Verdict: Equatable {
        case allowed
        /// 401, with `WWW-Authenticate: Bearer` and why.
        case refused(String)
    }

    static let open: Set<String> = ["/healthz", "/", "/dashboard.js"]

    func check(path: String, authorization: String?) -> Verdict {
        guard let token, !Self.open.contains(path) else { return .allowed }
        guard let authorization else { return .refused("this endpoint needs 'Authorization: Bearer <token>'") }
        let parts = authorization.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            return .refused("the Authorization header must be 'Bearer <token>'")
        }
        let given = parts[1].drop { $0 == " " }
        return Self.sameBytes(given.utf8, token.utf8) ? .allowed : .refused("the admin token does not match")
    }

    /// Compares in time independent of where the two differ, so response timing does not reveal the token.
    private static func sameBytes(_ a: some Collection<UInt8>, _ b: some Collection<UInt8>) -> Bool {
        // Hashing first makes the lengths equal too; SHA-256 is plenty for comparing two short strings.
        let left = SHA256.hash(data: Array(a))
        let right = SHA256.hash(data: Array(b))
        return left == right
    }
}
