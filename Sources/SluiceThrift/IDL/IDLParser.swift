/// Recursive-descent parser from tokens to an ``IDLDocument``, following Apache Thrift's grammar
/// (`thrifty.yy`): headers (`include`, `cpp_include`, `namespace`) first, then definitions.
///
/// It stops at the first syntax error, which names what was expected and what was found.
struct IDLParser {
    let file: String
    private let tokens: [IDLToken]
    private var index = 0
    /// Nesting of container types and constant literals, capped so hostile input cannot exhaust the stack.
    var depth = 0
    static let maximumDepth = 100

    init(tokens: [IDLToken], file: String) {
        self.file = file
        // The lexer always ends with `.end`; keep that invariant even for a hand-made token list.
        if tokens.last?.kind == .end {
            self.tokens = tokens
        } else {
            self.tokens = tokens + [IDLToken(kind: .end, line: tokens.last?.line ?? 1, column: tokens.last?.column ?? 1)]
        }
    }

    static func parse(_ bytes: [UInt8], file: String) throws(ThriftIDLError) -> IDLDocument {
        var parser = IDLParser(tokens: try IDLLexer.tokenize(bytes, file: file), file: file)
        return try parser.parseDocument()
    }

    // MARK: Token cursor

    var current: IDLToken { tokens[index] }

    var next: IDLToken { tokens[min(index + 1, tokens.count - 1)] }

    @discardableResult
    mutating func advance() -> IDLToken {
        let token = tokens[index]
        if index < tokens.count - 1 { index += 1 }
        return token
    }

    func location(_ token: IDLToken) -> SourceLocation { token.location(in: file) }

    func error(_ message: String, at token: IDLToken) -> ThriftIDLError {
        ThriftIDLError(location: location(token), message: message)
    }

    /// `expected <what> but found <current token>`.
    func expected(_ what: String) -> ThriftIDLError {
        error("expected \(what) but found \(current.kind)", at: current)
    }

    func check(_ symbol: IDLSymbol) -> Bool { current.kind == .symbol(symbol) }

    func check(_ keyword: IDLKeyword) -> Bool { current.kind == .keyword(keyword) }

    mutating func consume(_ symbol: IDLSymbol) -> Bool {
        guard check(symbol) else { return false }
        advance()
        return true
    }

    mutating func consume(_ keyword: IDLKeyword) -> Bool {
        guard check(keyword) else { return false }
        advance()
        return true
    }

    @discardableResult
    mutating func expect(_ symbol: IDLSymbol, _ purpose: String) throws(ThriftIDLError) -> IDLToken {
        guard check(symbol) else { throw expected("'\(symbol.rawValue)' \(purpose)") }
        return advance()
    }

    /// The optional `,` or `;` after a field, value, method, annotation or definition.
    mutating func skipSeparator() {
        if !consume(.comma) { _ = consume(.semicolon) }
    }

    /// A name being declared: an undotted identifier that is not a keyword.
    mutating func expectName(_ what: String) throws(ThriftIDLError) -> (name: String, token: IDLToken) {
        switch current.kind {
        case .identifier(let name):
            if name.contains(".") {
                throw error("\(what) '\(name)' cannot contain '.'", at: current)
            }
            return (name, advance())
        case .keyword(let keyword):
            throw error("'\(keyword.rawValue)' is a reserved keyword and cannot be used as \(what)", at: current)
        default:
            throw expected(what)
        }
    }

    mutating func enterNesting(_ token: IDLToken) throws(ThriftIDLError) {
        depth += 1
        if depth > Self.maximumDepth {
            throw error("nesting deeper than \(Self.maximumDepth) levels is not supported", at: token)
        }
    }

    // MARK: Document

    mutating func parseDocument() throws(ThriftIDLError) -> IDLDocument {
        var document = IDLDocument(file: file)
        var firstDefinition: IDLToken?
        while current.kind != .end {
            if case .keyword(let keyword) = current.kind,
                keyword == .include || keyword == .cpp_include || keyword == .namespace
            {
                if let firstDefinition {
                    throw error(
                        "'\(keyword.rawValue)' must come before the first definition (line \(firstDefinition.line))",
                        at: current)
                }
                try parseHeader(keyword, into: &document)
                continue
            }
            if firstDefinition == nil { firstDefinition = current }
            document.definitions.append(try parseDefinition())
        }
        return document
    }

    private mutating func parseHeader(_ keyword: IDLKeyword, into document: inout IDLDocument) throws(ThriftIDLError) {
        advance()
        switch keyword {
        case .include, .cpp_include:
            guard case .string(let path) = current.kind else {
                throw expected("a quoted file name after '\(keyword.rawValue)'")
            }
            let pathToken = advance()
            if keyword == .include {
                document.includes.append(IDLInclude(path: path, location: location(pathToken)))
            } else {
                document.cppIncludes.append(path)
            }
        default:
            let scope: String
            switch current.kind {
            case .symbol(.star): scope = "*"
            case .identifier(let name): scope = name
            default: throw expected("a namespace scope (a language such as 'go', or '*')")
            }
            advance()
            let name: String
            switch current.kind {
            case .identifier(let text), .string(let text): name = text
            case .keyword(let keyword): name = keyword.rawValue
            default: throw expected("a namespace name after 'namespace \(scope)'")
            }
            advance()
            _ = try parseAnnotations()
            document.namespaces.append((scope, name))
        }
        _ = consume(.semicolon)
    }
}
