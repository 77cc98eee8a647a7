internal import AsyncHTTPClient
internal import Logging
internal import NIOCore
internal import NIOHTTP1
internal import Synchronization

/// `jwks_url`: an identity provider's JWKS, fetched when the configuration is prepared and again every `jwks_refresh`,
/// so keys it rotates in are accepted and keys it drops are not, without a reload.
///
/// Requests read the current verifiers under a short lock (only routes with a `jwks_url` do). A fetch that fails or
/// brings a bad document keeps the keys there are, and is retried sooner. The fetching task holds this object weakly
/// and is cancelled when it goes (with the last snapshot that used it).
final class JWTRemoteKeys: Sendable {
    struct Source: Sendable, Hashable {
        var url: String
        var refresh: TimeAmount
        var origin: ConfigOrigin
    }

    let source: Source
    /// The keys given in the route file beside the URL, which every fetched set is joined to.
    let fixedKeys: [JWTKeySource]
    private let current: Mutex<JWTVerifiers?>
    private let task = Mutex<Task<Void, Never>?>(nil)
    private let logger = Logger(label: "sluice.jwt")

    /// Largest JWKS document read.
    static let maxDocument = 1 << 20
    /// How soon a failed fetch is tried again (or `refresh`, if sooner).
    static let retry = TimeAmount.seconds(5)

    init(source: Source, fixedKeys: [JWTKeySource], fixed: JWTVerifiers?) {
        self.source = source
        self.fixedKeys = fixedKeys
        self.current = Mutex(fixed)
    }

    deinit {
        task.withLock { $0?.cancel() }
    }

    /// The verifiers of the last good fetch (with the fixed keys); before one, the fixed keys' alone.
    var verifiers: JWTVerifiers? { current.withLock { $0 } }

    /// Fetches once now, then keeps fetching every `refresh` in a task of its own.
    func start() async {
        let fetched = await fetch()
        let refresh = source.refresh
        let handle = Task { [weak self] in
            var wait = fetched ? refresh : min(refresh, Self.retry)
            while !Task.isCancelled {
                try? await Task.sleep(nanoseconds: UInt64(max(0, wait.nanoseconds)))
                guard let keys = self, !Task.isCancelled else { return }
                wait = await keys.fetch() ? refresh : min(refresh, Self.retry)
            }
        }
        task.withLock { $0 = handle }
    }

    /// One fetch; whether it brought a usable set of keys (which is then installed).
    func fetch() async -> Bool {
        let text: String
        do {
            var request = HTTPClientRequest(url: source.url)
            request.headers.add(name: "accept", value: "application/json")
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
            guard response.status == .ok else {
                logger.warning("JWKS fetch answered \(response.status.code)", metadata: ["url": "\(source.url)"])
                return false
            }
            text = String(buffer: try await response.body.collect(upTo: Self.maxDocument))
        } catch {
            logger.warning("JWKS fetch failed", metadata: ["url": "\(source.url)", "error": "\(error)"])
            return false
        }
        let document = JWKSDocument(text, name: source.url, origin: source.origin)
        guard document.problems.isEmpty else {
            logger.warning("JWKS refused, the keys stay as they were", metadata: ["url": "\(source.url)", "problems": "\(document.problems)"])
            return false
        }
        do {
            let verifiers = try await JWTVerifiers.prepare(fixedKeys + document.keys)
            current.withLock { $0 = verifiers }
            return true
        } catch {
            logger.warning("JWKS keys cannot be used", metadata: ["url": "\(source.url)", "error": "\(error)"])
            return false
        }
    }
}
