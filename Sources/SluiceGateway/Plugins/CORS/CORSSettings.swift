/// `cors`: which origins may read a route's answers from a browser, with what methods and headers
/// (the Fetch standard's CORS protocol). Preflights are answered at the edge; an actual request from an
/// allowed origin gets `Access-Control-Allow-Origin` (and the rest) on its answer, whatever answers it.
/// A request from another origin is served without them, so the browser keeps the answer from the page,
/// as Envoy and APISIX do.
public struct CORSSettings: Sendable, Hashable {
    /// Exact origins (`https://shop.example.test`); `*` allows any (and then no credentials).
    var origins: [String]
    /// Origins matching any of these patterns (whole-string matches) are allowed too.
    var originPatterns: [OriginPattern]
    /// Methods a preflight may ask for.
    var methods: [String]
    /// Request headers a preflight may ask for; nil: whatever it asks.
    var headers: [String]?
    /// Response headers a page may read beyond the CORS-safelisted ones.
    var exposeHeaders: [String]
    var credentials: Bool
    /// How long a browser may cache a preflight's answer, in seconds; nil: the browser's default.
    var maxAge: Int?

    var allowsAnyOrigin: Bool { origins.contains("*") }

    /// Whether `origin` may read answers.
    func allows(origin: String) -> Bool {
        if allowsAnyOrigin || origins.contains(origin) { return true }
        return originPatterns.contains { $0.matches(origin) }
    }

    /// `Access-Control-Allow-Origin`'s value for an allowed `origin`: `*` only when any origin is allowed
    /// without credentials, since a response that depends on the origin must name it.
    func allowOrigin(for origin: String) -> String {
        allowsAnyOrigin && !credentials ? "*" : origin
    }

    /// The preflight's `Access-Control-Allow-Headers`: the ones asked for, if every one is allowed.
    func allowHeaders(requested: String?) -> String?? {
        guard let requested else { return .some(nil) }
        let asked = requested.split(separator: ",").map { $0.trimmingASCIISpaces }.filter { !$0.isEmpty }
        guard let headers else { return .some(asked.isEmpty ? nil : asked.joined(separator: ", ")) }
        for name in asked where !headers.contains(where: { GatewayHeaders.sameName($0, String(name)) }) {
            return nil
        }
        return .some(asked.isEmpty ? nil : asked.joined(separator: ", "))
    }
}

/// A pattern an origin must match whole: Swift's regular expressions, compiled once when the route loads.
struct OriginPattern: Sendable, Hashable {
    let source: String
    private let compiled: Compiled

    /// `Regex` is not declared `Sendable`: it lowers its program on first use. The standard library publishes
    /// that program with an atomic initialisation, and one match here lowers it before any event loop sees
    /// it; matching only reads it from then on.
    private final class Compiled: @unchecked Sendable {
        let regex: Regex<AnyRegexOutput>

        init(_ regex: Regex<AnyRegexOutput>) {
            self.regex = regex
            _ = try? regex.wholeMatch(in: "")
        }
    }

    init(_ source: String) throws {
        self.source = source
        compiled = Compiled(try Regex(source))
    }

    func matches(_ origin: String) -> Bool { (try? compiled.regex.wholeMatch(in: origin)) != nil }

    static func == (lhs: OriginPattern, rhs: OriginPattern) -> Bool { lhs.source == rhs.source }
    func hash(into hasher: inout Hasher) { hasher.combine(source) }
}
