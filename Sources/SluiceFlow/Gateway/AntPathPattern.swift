/// Spring's `AntPathMatcher.match` as API groups use it for "prefix" predicates: `/`-separated segments,
/// `**` for any number of segments (none included), and within a segment `*` for any run of characters,
/// `?` for one, `{name}` (or `{name:regex}`, its regex not checked) for any run.
enum AntPathPattern {
    /// Spring's `isPattern`: a `*`, a `?`, or a `{…}` variable.
    static func isPattern(_ pattern: String) -> Bool {
        var inVariable = false
        for character in pattern {
            switch character {
            case "*", "?": return true
            case "{": inVariable = true
            case "}" where inVariable: return true
            default: continue
            }
        }
        return false
    }

    static func match(_ pattern: String, _ path: String) -> Bool {
        if pattern.hasPrefix("/") != path.hasPrefix("/") { return false }
        let patternSegments = pattern.split(separator: "/")
        let pathSegments = path.split(separator: "/")
        guard matchSegments(patternSegments[...], pathSegments[...]) else { return false }
        // Spring: a matched path ends in "/" only if the pattern does, unless the pattern ends in "**".
        if patternSegments.last == "**" { return true }
        return pattern.hasSuffix("/") == path.hasSuffix("/")
    }

    private static func matchSegments(_ pattern: ArraySlice<Substring>, _ path: ArraySlice<Substring>) -> Bool {
        guard let first = pattern.first else { return path.isEmpty }
        if first == "**" {
            let rest = pattern.dropFirst()
            for skip in 0...path.count where matchSegments(rest, path.dropFirst(skip)) { return true }
            return false
        }
        guard let segment = path.first, matchSegment(Array(first), Array(segment)) else { return false }
        return matchSegments(pattern.dropFirst(), path.dropFirst())
    }

    /// Glob match of one segment, with `{…}` read as `*`.
    private static func matchSegment(_ pattern: [Character], _ text: [Character]) -> Bool {
        var tokens: [Character] = []
        var index = 0
        while index < pattern.count {
            if pattern[index] == "{", let close = pattern[index...].firstIndex(of: "}") {
                tokens.append("*")
                index = close + 1
            } else {
                tokens.append(pattern[index])
                index += 1
            }
        }
        // Iterative wildcard matching with one backtrack point.
        var p = 0, t = 0, star = -1, mark = 0
        while t < text.count {
            if p < tokens.count && (tokens[p] == "?" || (tokens[p] != "*" && tokens[p] == text[t])) {
                p += 1
                t += 1
            } else if p < tokens.count && tokens[p] == "*" {
                star = p
                mark = t
                p += 1
            } else if star >= 0 {
                p = star + 1
                mark += 1
                t = mark
            } else {
                return false
            }
        }
        while p < tokens.count && tokens[p] == "*" { p += 1 }
        return p == tokens.count
    }
}
