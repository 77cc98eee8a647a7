/// A proxy route's `rewrite:`, such as `/assets/{rest}`: literal text and the route path's variables by name.
///
/// Resolved against the route's template once, at load: each variable becomes the index of the template
/// segment that captures it, so a request copies path bytes as they came (still percent-encoded), with no
/// decoding and re-encoding in between.
public struct PathRewrite: Sendable, Hashable, CustomStringConvertible {
    enum Piece: Sendable, Hashable {
        case literal(String)
        /// The text the template's segment at this index matched; for a rest-of-path variable, everything
        /// from that segment on, slashes kept.
        case segment(Int)
        /// A google.api.http pattern variable (`{name=shelves/*}`): the segments it spans, slashes kept
        /// (through the end of the path when it ends in `**`).
        case span(Range<Int>)
    }

    /// As written.
    public let text: String
    let pieces: [Piece]
    /// The template's rest-of-path segment (always its last), whose capture keeps its slashes.
    let restSegment: Int?
    /// The template's custom verb (`:cancel`), which is no part of any variable's value.
    let verb: String?

    public var description: String { text }

    /// Parses `text` against `template`'s variables.
    /// - Throws: ``PathRewriteError`` with the character offset of an unknown variable or a stray brace.
    public static func parse(_ text: String, template: PathTemplate) throws(PathRewriteError) -> PathRewrite {
        guard text.hasPrefix("/") else { throw PathRewriteError(offset: 0, message: "a rewrite must start with '/'") }
        var pieces: [Piece] = []
        var literal = ""
        var offset = 0
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if character == "}" { throw PathRewriteError(offset: offset, message: "'}' without '{'") }
            guard character == "{" else {
                literal.append(character)
                index = text.index(after: index)
                offset += 1
                continue
            }
            guard let close = text[index...].firstIndex(of: "}") else {
                throw PathRewriteError(offset: offset, message: "'{' without '}'")
            }
            let name = String(text[text.index(after: index)..<close])
            let piece: Piece
            if let segment = Self.segmentIndex(of: name, in: template) {
                piece = .segment(segment)
            } else if let capture = template.patternVariables.first(where: { $0.variable.name == name }) {
                piece = .span(capture.segments)
            } else {
                let known = template.variables.map(\.name)
                throw PathRewriteError(
                    offset: offset,
                    message: "unknown variable '{\(name)}' (the route's path has \(known.isEmpty ? "none" : known.joined(separator: ", ")))"
                )
            }
            if !literal.isEmpty { pieces.append(.literal(literal)) }
            literal = ""
            pieces.append(piece)
            offset += text[index...close].count
            index = text.index(after: close)
        }
        if !literal.isEmpty { pieces.append(.literal(literal)) }
        let rest = template.segments.lastIndex {
            if case .rest = $0 { return true }
            return false
        }
        return PathRewrite(text: text, pieces: pieces, restSegment: rest, verb: template.verb)
    }

    private static func segmentIndex(of name: String, in template: PathTemplate) -> Int? {
        template.segments.firstIndex {
            switch $0 {
            case .literal: false
            case .single(let variable), .rest(let variable): variable?.name == name
            }
        }
    }

    /// The upstream path for `path`, a raw path the route's template matched (so its segments line up with
    /// the template's).
    func apply(to path: Substring) -> String {
        var result = ""
        for piece in pieces {
            switch piece {
            case .literal(let text): result += text
            case .segment(let index): result += withoutVerb(Self.capture(path, segment: index, rest: index == restSegment))
            case .span(let segments): result += withoutVerb(Self.capture(path, segments: segments, rest: segments.upperBound - 1 == restSegment))
            }
        }
        return result
    }

    /// `text` without the template's `:verb` at its end (only the path's last segment can carry it).
    private func withoutVerb(_ text: Substring) -> Substring {
        guard let verb, text.utf8.count > verb.utf8.count, text.hasSuffix(":" + verb) else { return text }
        return text.dropLast(verb.count + 1)
    }

    /// Segments `segments` of `path` joined by their slashes, or with `rest` everything from the first on.
    static func capture(_ path: Substring, segments: Range<Int>, rest: Bool) -> Substring {
        let first = capture(path, segment: segments.lowerBound, rest: true)
        if rest { return first }
        var end = first.utf8.startIndex
        for index in 0..<segments.count {
            if index > 0 { end = first.utf8.index(after: end) }
            end = first.utf8[end...].firstIndex(of: UInt8(ascii: "/")) ?? first.utf8.endIndex
        }
        return first[..<end]
    }

    /// Segment `segment` of `path` (`/a/b/c`: segment 0 is `a`), or with `rest` everything from it on.
    static func capture(_ path: Substring, segment: Int, rest: Bool) -> Substring {
        let bytes = path.utf8
        var start = bytes.startIndex
        if start < bytes.endIndex, bytes[start] == UInt8(ascii: "/") { start = bytes.index(after: start) }
        var remaining = segment
        while remaining > 0 {
            guard let slash = bytes[start...].firstIndex(of: UInt8(ascii: "/")) else { return "" }
            start = bytes.index(after: slash)
            remaining -= 1
        }
        if rest { return path[start...] }
        let end = bytes[start...].firstIndex(of: UInt8(ascii: "/")) ?? bytes.endIndex
        return path[start..<end]
    }

    private init(text: String, pieces: [Piece], restSegment: Int?, verb: String?) {
        self.text = text
        self.pieces = pieces
        self.restSegment = restSegment
        self.verb = verb
    }
}

/// Why a rewrite does not parse; `offset` is the character offset of the problem in the rewrite text.
public struct PathRewriteError: Error, Sendable, Hashable, CustomStringConvertible {
    public var offset: Int
    public var message: String

    public var description: String { "\(message) (at character \(offset + 1))" }
}
