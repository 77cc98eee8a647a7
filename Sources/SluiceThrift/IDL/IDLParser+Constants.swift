extension IDLParser {
    /// A literal or a reference; lists `[a, b]` and maps / struct literals `{k: v}` nest.
    mutating func parseConstValue() throws(ThriftIDLError) -> IDLConstValue {
        let token = current
        let here = location(token)
        switch token.kind {
        case .int(let value):
            advance()
            return IDLConstValue(kind: .int(value), location: here)
        case .double(let value):
            advance()
            return IDLConstValue(kind: .double(value), location: here)
        case .string(let text):
            advance()
            return IDLConstValue(kind: .string(text), location: here)
        case .keyword(.true), .keyword(.false):
            advance()
            return IDLConstValue(kind: .bool(token.kind == .keyword(.true)), location: here)
        case .identifier(let name):
            advance()
            return IDLConstValue(kind: .identifier(name), location: here)
        case .symbol(.leftBracket):
            try enterNesting(token)
            defer { depth -= 1 }
            advance()
            var items: [IDLConstValue] = []
            while !consume(.rightBracket) {
                if current.kind == .end { throw expected("']' to close the list opened at line \(token.line)") }
                items.append(try parseConstValue())
                skipSeparator()
            }
            return IDLConstValue(kind: .list(items), location: here)
        case .symbol(.leftBrace):
            try enterNesting(token)
            defer { depth -= 1 }
            advance()
            var pairs: [(key: IDLConstValue, value: IDLConstValue)] = []
            while !consume(.rightBrace) {
                if current.kind == .end { throw expected("'}' to close the map opened at line \(token.line)") }
                let key = try parseConstValue()
                try expect(.colon, "after a map key")
                let value = try parseConstValue()
                pairs.append((key, value))
                skipSeparator()
            }
            return IDLConstValue(kind: .map(pairs), location: here)
        default:
            throw expected("a constant value")
        }
    }
}
