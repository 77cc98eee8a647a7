public import NIOCore

/// The edge plugins, in the order a request meets them: the cheapest refusals first, CORS before any
/// credential check (a browser's preflight carries no credentials), header rewrites last, so what they add
/// (a consumer name) is what the binder and the upstream see.
public enum PluginName: String, Sendable, Hashable, CaseIterable, Comparable {
    case ipRestriction = "ip_restriction"
    case cors
    /// The largest request body the route takes, in place of the listener's `limits.max_body` (larger or
    /// smaller): the listeners read it at the request's head.
    case requestSize = "request_size"
    /// The longest the client may take to send the whole request once its head arrived (408 after), in place
    /// of the listener's idle timeout while a body arrives; read at the request's head.
    case requestTimeout = "request_timeout"
    case keyAuth = "key_auth"
    case jwtAuth = "jwt_auth"
    case headers
    /// Acts on the answer only: wraps it before the header edits (and CORS fields) go on.
    case envelope

    public static func < (lhs: PluginName, rhs: PluginName) -> Bool {
        allCases.firstIndex(of: lhs) ?? 0 < allCases.firstIndex(of: rhs) ?? 0
    }
}

/// One plugin's entry in a `plugins:` section: its settings, or `off` to switch off one a route inherits.
public enum PluginSetting: Sendable, Hashable {
    case off
    case ipRestriction(IPRestrictionSettings)
    case cors(CORSSettings)
    case requestSize(Int)
    case requestTimeout(TimeAmount)
    case keyAuth(KeyAuthSettings)
    case jwtAuth(JWTAuthSettings)
    case headers(HeaderRewriteSettings)
    case envelope(EnvelopeSettings)
}

/// One level's `plugins:` section: the gateway config's (every route), a service's (its routes) or a route's.
/// A plugin set at a nearer level replaces the farther one whole; `off` removes it.
public struct PluginLayer: Sendable, Hashable {
    public var entries: [PluginName: PluginSetting]
    /// Files the settings were read from (key files), which a watched configuration reloads on.
    public var files: [String]

    public init(entries: [PluginName: PluginSetting] = [:], files: [String] = []) {
        self.entries = entries
        self.files = files
    }

    public var isEmpty: Bool { entries.isEmpty }

    /// Makes what settings need beyond parsing: jwt-kit's verifiers, which its actor hands out only
    /// asynchronously. Done once per load, before the snapshot is built.
    mutating func prepare() async throws(ConfigErrors) {
        for (name, setting) in entries {
            guard case .jwtAuth(var settings) = setting, settings.verifiers == nil else { continue }
            settings.verifiers = try await JWTVerifiers.prepare(settings.keys)
            if let source = settings.remote {
                let remote = JWTRemoteKeys(source: source, fixedKeys: settings.keys, fixed: settings.verifiers)
                await remote.start()
                settings.remoteKeys = remote
            }
            entries[name] = .jwtAuth(settings)
        }
    }

    /// The plugins a route runs: `global`, then its service's, then its own, each nearer entry replacing.
    static func resolve(_ layers: PluginLayer...) -> PluginSettings {
        var merged: [PluginName: PluginSetting] = [:]
        for layer in layers {
            merged.merge(layer.entries) { _, nearer in nearer }
        }
        var settings = PluginSettings()
        for (_, setting) in merged {
            switch setting {
            case .off: break
            case .ipRestriction(let value): settings.ipRestriction = value
            case .cors(let value): settings.cors = value
            case .requestSize(let value): settings.requestSize = value
            case .requestTimeout(let value): settings.requestTimeout = value
            case .keyAuth(let value): settings.keyAuth = value
            case .jwtAuth(let value): settings.jwtAuth = value
            case .headers(let value): settings.headers = value
            case .envelope(let value): settings.envelope = value
            }
        }
        return settings
    }
}

/// What one route runs, after inheritance.
struct PluginSettings: Sendable, Hashable {
    var ipRestriction: IPRestrictionSettings?
    var cors: CORSSettings?
    var requestSize: Int?
    var requestTimeout: TimeAmount?
    var keyAuth: KeyAuthSettings?
    var jwtAuth: JWTAuthSettings?
    var headers: HeaderRewriteSettings?
    var envelope: EnvelopeSettings?

    var isEmpty: Bool {
        ipRestriction == nil && cors == nil && requestSize == nil && requestTimeout == nil && keyAuth == nil && jwtAuth == nil && headers == nil && envelope == nil
    }

    /// What the listeners apply at a request's head; nil when the route sets neither.
    var headLimits: HeadRoute.Limits? {
        guard requestSize != nil || requestTimeout != nil else { return nil }
        return HeadRoute.Limits(maxBody: requestSize, timeout: requestTimeout, plugins: nil)
    }

    /// Without what only applies to answers the gateway decodes (`envelope`): a proxied route's.
    var proxied: PluginSettings {
        var settings = self
        settings.envelope = nil
        return settings
    }
}
