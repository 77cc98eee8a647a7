/// A route's path pattern: literal segments, bound variables and wildcards.
///
/// Accepted syntax (whole segments only):
/// - `literal`
/// - `{field.path}` and `{field.path=*}`: one non-empty segment, bound to `field.path`
/// - `{field.path=**}`: the rest of the path (zero or more segments, slashes kept); last segment only
/// - `:name` (Hertz/Kitex `api.*` style): one segment; `*name`: the rest of the path
/// - `*` / `**`: one segment / the rest, not bound
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

    public enum Segment: Sendable, Hashable {
        case literal(String)
        /// Exactly one non-empty segment; `nil` = matched but not bound.
        case single(Variable?)
        /// Every remaining segment; always last.
        case rest(Variable?)
    }

    /// The template as written.
    public var text: String
    public var segments: [Segment]

    public var description: String { text }

    /// The bound variables, in path order.
    public var variables: [Variable] {
        segments.compactMap {
            switch $0 {
            case .literal: nil
            case .single(let variable), .rest(let variable): variable
            }
        }
    }

    /// Two templates with the same shape match exactly the same paths, whatever their variables are called.
    var shape: String {
        segments.map {
            switch $0 {
            case .literal(let text): text
            case .single: "{}"
            case .rest: "{**}"
            }
        }.joined(separator: "/")
    }

    public init(text: String, segments: [Segment]) {
        self.text = text
        self.segments = segments
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
