extension PathTemplate {
    /// Parses `text`; variables get the field path they name (`{req.name}` -> `["req", "name"]`).
    public static func parse(_ text: String) throws(PathTemplateError) -> PathTemplate {
        let characters = Array(text)
        guard characters.first == "/" else {
            throw PathTemplateError(offset: 0, message: "a path template must start with '/'")
        }
        var segments: [Segment] = []
        var names: Set<String> = []
        var start = 1
        while true {
            var end = start
            while end < characters.count, characters[end] != "/" { end += 1 }
            if let last = segments.last, case .rest = last {
                throw PathTemplateError(offset: start, message: "nothing may follow a rest-of-path variable")
            }
            let segment = try parseSegment(characters[start..<end], at: start)
            if case .single(let variable?) = segment, !names.insert(variable.name).inserted {
                throw PathTemplateError(offset: start, message: "variable '\(variable.name)' appears twice")
            }
            if case .rest(let variable?) = segment, !names.insert(variable.name).inserted {
                throw PathTemplateError(offset: start, message: "variable '\(variable.name)' appears twice")
            }
            segments.append(segment)
            if end == characters.count { break }
            start = end + 1
        }
        return PathTemplate(text: text, segments: segments)
    }

    private static func parseSegment(_ segment: ArraySlice<Character>, at offset: Int) throws(PathTemplateError) -> Segment {
        let text = String(segment)
        switch segment.first {
        case "{":
            guard segment.last == "}", segment.count >= 2 else {
                throw PathTemplateError(offset: offset, message: "'{' must close with '}' at the end of the segment")
            }
            let inner = String(segment.dropFirst().dropLast())
            let parts = inner.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(parts[0])
            let fieldPath = try parseFieldPath(name, at: offset + 1)
            let variable = Variable(name: name, fieldPath: fieldPath)
            guard parts.count == 2 else { return .single(variable) }
            switch parts[1] {
            case "*": return .single(variable)
            case "**": return .rest(variable)
            default:
                throw PathTemplateError(
                    offset: offset + 1 + name.count + 1,
                    message: "only '*' or '**' may follow '=' in '{\(inner)}'"
                )
            }
        case ":":
            let name = String(segment.dropFirst())
            return .single(Variable(name: name, fieldPath: try parseFieldPath(name, at: offset + 1)))
        case "*" where text == "*":
            return .single(nil)
        case "*" where text == "**":
            return .rest(nil)
        case "*":
            let name = String(segment.dropFirst())
            return .rest(Variable(name: name, fieldPath: try parseFieldPath(name, at: offset + 1)))
        default:
            if let index = segment.firstIndex(where: { $0 == "{" || $0 == "}" }) {
                throw PathTemplateError(
                    offset: index,
                    message: "a variable must be a whole segment, as in '/a/{name}/b'"
                )
            }
            return .literal(text)
        }
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
