// Hand-written: the google.api.http template grammar is a few lines of recursive descent, and the Hertz
// forms (`:name`, `*name`) it must accept alongside are no package's business.

extension PathTemplate {
    /// Parses `text`; variables get the field path they name (`{req.name}` -> `["req", "name"]`).
    ///
    /// The grammar (googleapis `google/api/http.proto`):
    /// ```
    /// Template = "/" Segments [ Verb ] ;
    /// Segments = Segment { "/" Segment } ;
    /// Segment  = "*" | "**" | LITERAL | Variable ;
    /// Variable = "{" FieldPath [ "=" Segments ] "}" ;
    /// FieldPath = IDENT { "." IDENT } ;
    /// Verb     = ":" LITERAL ;
    /// ```
    /// A last segment's `:` after other text starts the verb (the last `:`, as grpc-gateway reads it);
    /// a segment *starting* with `:` is a Hertz variable.
    public static func parse(_ text: String) throws(PathTemplateError) -> PathTemplate {
        var parser = PathTemplateParser(characters: Array(text))
        return try parser.parse(text)
    }

    /// `a.b.c` -> `["a", "b", "c"]`; each part an identifier.
    static func parseFieldPath(_ text: String, at offset: Int) throws(PathTemplateError) -> [String] {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        var position = offset
        for part in parts {
            guard isIdentifier(part) else {
                throw PathTemplateError(
                    offset: position,
                    message: text.isEmpty ? "a variable needs a name" : "'\(text)' is not a field path like 'req.name'"
                )
            }
            position += part.count + 1
        }
        return parts
    }

    static func isIdentifier(_ text: some StringProtocol) -> Bool {
        guard let first = text.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic)
        else { return false }
        return text.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && $0.properties.isAlphabetic) || ("0"..."9").contains($0) }
    }
}

/// One parse: walks `characters` once, appending path segments as it goes; offsets are character offsets.
private struct PathTemplateParser {
    let characters: [Character]
    var segments: [PathTemplate.Segment] = []
    var patternVariables: [PathTemplate.Capture] = []
    var names: Set<String> = []

    init(characters: [Character]) {
        self.characters = characters
    }

    mutating func parse(_ text: String) throws(PathTemplateError) -> PathTemplate {
        guard characters.first == "/" else {
            throw PathTemplateError(offset: 0, message: "a path template must start with '/'")
        }
        var verb: String?
        var start = 1
        while true {
            var end: Int
            if start < characters.count, characters[start] == "{" {
                end = try variable(at: start)
                if end < characters.count, characters[end] == ":" {
                    verb = try self.verb(from: end)
                    end = characters.count
                } else if end < characters.count, characters[end] != "/" {
                    throw PathTemplateError(offset: end, message: "a variable must be a whole segment, as in '/a/{name}/b'")
                }
            } else {
                end = segmentEnd(from: start)
                var beforeVerb = end
                // Only the last segment has a verb, and `:` first is a Hertz variable, not a verb.
                if end == characters.count, end > start + 1, let colon = characters[(start + 1)..<end].lastIndex(of: ":") {
                    verb = try self.verb(from: colon)
                    beforeVerb = colon
                }
                try append(try topLevelSegment(start..<beforeVerb), at: start)
            }
            if end == characters.count { break }
            start = end + 1
        }
        return PathTemplate(text: text, segments: segments, patternVariables: patternVariables, verb: verb)
    }

    /// `range` is the segment without its verb.
    private mutating func topLevelSegment(_ range: Range<Int>) throws(PathTemplateError) -> PathTemplate.Segment {
        let segment = characters[range]
        let text = String(segment)
        switch segment.first {
        case ":":
            return .single(try variable(named: String(segment.dropFirst()), at: range.lowerBound + 1))
        case "*" where text == "*":
            return .single(nil)
        case "*" where text == "**":
            return .rest(nil)
        case "*":
            return .rest(try variable(named: String(segment.dropFirst()), at: range.lowerBound + 1))
        default:
            return try literal(range)
        }
    }

    /// Parses `{field.path}` or `{field.path=Segments}` from `open`; returns the offset past its `}`.
    private mutating func variable(at open: Int) throws(PathTemplateError) -> Int {
        var close = open + 1
        while close < characters.count, characters[close] != "}" {
            if characters[close] == "{" {
                throw PathTemplateError(offset: close, message: "a variable cannot hold another variable")
            }
            close += 1
        }
        guard close < characters.count else { throw PathTemplateError(offset: open, message: "'{' without '}'") }
        let equals = characters[(open + 1)..<close].firstIndex(of: "=")
        let variable = try variable(named: String(characters[(open + 1)..<(equals ?? close)]), at: open + 1)
        guard let equals else {
            try append(.single(variable), at: open)
            return close + 1
        }
        let patternStart = equals + 1
        guard patternStart < close else {
            throw PathTemplateError(offset: patternStart, message: "'=' must be followed by segments, as in '{name=shelves/*}'")
        }
        let pattern = characters[patternStart..<close]
        if pattern.elementsEqual("*") {
            try append(.single(variable), at: patternStart)
        } else if pattern.elementsEqual("**") {
            try append(.rest(variable), at: patternStart)
        } else {
            let first = segments.count
            var start = patternStart
            while true {
                let end = segmentEnd(from: start, before: close)
                let text = String(characters[start..<end])
                switch text {
                case "*": try append(.single(nil), at: start)
                case "**": try append(.rest(nil), at: start)
                case "": throw PathTemplateError(offset: start, message: "a variable's pattern cannot have an empty segment")
                default: try append(try literal(start..<end), at: start)
                }
                if end == close { break }
                start = end + 1
            }
            patternVariables.append(PathTemplate.Capture(variable: variable, segments: first..<segments.count))
        }
        return close + 1
    }

    /// A variable named `name` (written at `offset`), once per template.
    private mutating func variable(named name: String, at offset: Int) throws(PathTemplateError) -> PathTemplate.Variable {
        let fieldPath = try PathTemplate.parseFieldPath(name, at: offset)
        guard names.insert(name).inserted else {
            throw PathTemplateError(offset: offset, message: "variable '\(name)' appears twice")
        }
        return PathTemplate.Variable(name: name, fieldPath: fieldPath)
    }

    private func literal(_ range: Range<Int>) throws(PathTemplateError) -> PathTemplate.Segment {
        let segment = characters[range]
        if let index = segment.firstIndex(where: { $0 == "{" || $0 == "}" }) {
            throw PathTemplateError(offset: index, message: "a variable must be a whole segment, as in '/a/{name}/b'")
        }
        return .literal(String(segment))
    }

    /// The verb after the `:` at `colon`, which runs to the end of the template.
    private func verb(from colon: Int) throws(PathTemplateError) -> String {
        let verb = characters[(colon + 1)...]
        guard !verb.isEmpty else { throw PathTemplateError(offset: colon, message: "':' must be followed by a verb") }
        if let index = verb.firstIndex(where: { $0 == "/" || $0 == "{" || $0 == "}" || $0 == ":" }) {
            throw PathTemplateError(offset: index, message: "a custom verb ends the template and is one literal, as in '/v1/{name}:cancel'")
        }
        return String(verb)
    }

    /// Segments are appended in path order, so a `**` already there means something follows it.
    private mutating func append(_ segment: PathTemplate.Segment, at offset: Int) throws(PathTemplateError) {
        if case .rest(let variable) = segments.last {
            throw PathTemplateError(
                offset: offset,
                message: variable == nil ? "nothing may follow '**'" : "nothing may follow a rest-of-path variable"
            )
        }
        segments.append(segment)
    }

    private func segmentEnd(from start: Int, before limit: Int? = nil) -> Int {
        let limit = limit ?? characters.count
        var end = start
        while end < limit, characters[end] != "/" { end += 1 }
        return end
    }
}
