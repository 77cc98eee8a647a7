/// A route's path pattern: literal segments, bound variables and wildcards, and an optional custom verb.
///
/// Accepted syntax: google.api.http's template language (the grammar in the comment of
/// googleapis' `google/api/http.proto`), plus the Hertz/Kitex `api.*` forms:
/// - `literal`
/// - `{field.path}` and `{field.path=*}`: one non-empty segment, bound to `field.path`
/// - `{field.path=**}`: the rest of the path (zero or more segments, slashes kept)
/// - `{field.path=shelves/*/books/*}`: the segments the pattern matches, joined by `/`
/// - `*` / `**`: one segment / the rest, not bound; `**` only ends the template
/// - `:verb` after the last segment (`/v1/{name=messages/*}:cancel`, `/v1/books:batchGet`)
/// - `:name` (a segment *starting* with `:`): one segment; `*name`: the rest of the path
public struct PathTemplate: Sendable, Hashable, CustomStringConvertible {
    public struct Variable: Sendable, Hashable {
        /// As written between the braces (or after `:`/`*`), before any `=`.
        public var name: String
        /// Where the captured text goes in the call arguments.
        public var fieldPath: [String]

        public init(name: String, fieldPath: [String]) {
            self.name = name
            self.fieldPath = fieldPath
        }
    }

    /// One path segment each: ``segments`` lines up with the request path's segments.
    public enum Segment: Sendable, Hashable {
        case literal(String)
        /// Exactly one non-empty segment; `nil` = matched but not bound (or part of a pattern variable's value).
        case single(Variable?)
        /// Every remaining segment; always last.
        case rest(Variable?)
    }

    /// A bound variable and the template segments its value spans.
    public struct Capture: Sendable, Hashable {
        public var variable: Variable
        /// Indices into ``segments``.
        public var segments: Range<Int>

        public init(variable: Variable, segments: Range<Int>) {
            self.variable = variable
            self.segments = segments
        }
    }

    /// The template as written.
    public var text: String
    public var segments: [Segment]
    /// Variables with a pattern other than `*` or `**` (`{name=shelves/*/books/*}`). Their segments are in
    /// ``segments`` unbound, and the value is the path text they match, slashes included.
    public var patternVariables: [Capture]
    /// The custom verb, without its `:`; the request path's last segment ends with `:verb`.
    public var verb: String?

    public var description: String { text }

    /// The bound variables, in path order.
    public var variables: [Variable] { captures.map(\.variable) }

    /// Every bound variable with the segments its value spans, in path order.
    var captures: [Capture] {
        var captures: [Capture] = []
        for (index, segment) in segments.enumerated() {
            switch segment {
            case .single(let variable?), .rest(let variable?):
                captures.append(Capture(variable: variable, segments: index..<index + 1))
            case .literal, .single(nil), .rest(nil):
                break
            }
        }
        guard !patternVariables.isEmpty else { return captures }
        return (captures + patternVariables).sorted { $0.segments.lowerBound < $1.segments.lowerBound }
    }

    /// Two templates with the same shape match exactly the same paths, whatever their variables are called
    /// or wherever their patterns' braces are (`/a/{x=b/*}` and `/a/b/{x}` match the same paths).
    var shape: String {
        let path = segments.map {
            switch $0 {
            case .literal(let text): text
            case .single: "{}"
            case .rest: "{**}"
            }
        }.joined(separator: "/")
        // `/a:b` (literal `a`, verb `b`) and `/{x=a:b}` share a shape, rightly: both match only `/a:b`.
        return verb.map { "\(path):\($0)" } ?? path
    }

    public init(text: String, segments: [Segment], patternVariables: [Capture] = [], verb: String? = nil) {
        self.text = text
        self.segments = segments
        self.patternVariables = patternVariables
        self.verb = verb
    }
}

/// Why a path template does not parse; `offset` is the character offset of the problem in the template text.
public struct PathTemplateError: Error, Sendable, Hashable, CustomStringConvertible {
    public var offset: Int
    public var message: String

    public init(offset: Int, message: String) {
        self.offset = offset
        self.message = message
    }

    public var description: String { "\(message) (at character \(offset + 1))" }
}
