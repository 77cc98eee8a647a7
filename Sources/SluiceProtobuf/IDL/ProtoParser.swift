import SwiftProtobuf

/// Recursive-descent parser for proto2, proto3 and editions files, producing the descriptor protoc's own
/// parser would (maps become `XxxEntry` messages, groups nested messages, proto3 `optional` synthetic
/// oneofs), with names left as written for ``ProtoLinker`` to resolve.
struct ProtoParser {
    enum Syntax: Sendable { case proto2, proto3, editions }

    static let maximumDepth = 64

    let tokens: [ProtoToken]
    let file: String
    var index = 0
    var syntax = Syntax.proto2
    var result: ProtoParsedFile
    var depth = 0

    init(tokens: [ProtoToken], file: String, name: String) {
        self.tokens = tokens
        self.file = file
        var descriptor = Google_Protobuf_FileDescriptorProto()
        descriptor.name = name
        result = ProtoParsedFile(descriptor: descriptor, path: file)
    }

    /// Parses `bytes` as the file importers call `name` (`google/api/http.proto`); `file` is its path for messages.
    static func parse(_ bytes: [UInt8], file: String, name: String) throws(ProtoIDLError) -> ProtoParsedFile {
        var parser = ProtoParser(tokens: try ProtoLexer.tokenize(bytes, file: file), file: file, name: name)
        try parser.parseFile()
        return parser.result
    }

    // MARK: Tokens

    var current: ProtoToken { tokens[min(index, tokens.count - 1)] }
    var location: ProtoSourceLocation { location(of: current) }

    func location(of token: ProtoToken) -> ProtoSourceLocation {
        ProtoSourceLocation(file: file, line: token.line, column: token.column)
    }

    func peek(_ ahead: Int) -> ProtoTokenKind { tokens[min(index + ahead, tokens.count - 1)].kind }

    mutating func advance() { if index < tokens.count - 1 { index += 1 } }

    func error(_ message: String, at token: ProtoToken? = nil) -> ProtoIDLError {
        ProtoIDLError(location: location(of: token ?? current), message: message)
    }

    func lookingAt(_ word: String) -> Bool { current.kind == .identifier(word) }

    func lookingAtSymbol(_ symbol: Character) -> Bool { current.kind.isSymbol(symbol) }

    mutating func tryConsume(_ symbol: Character) -> Bool {
        guard lookingAtSymbol(symbol) else { return false }
        advance()
        return true
    }

    mutating func tryConsumeWord(_ word: String) -> Bool {
        guard lookingAt(word) else { return false }
        advance()
        return true
    }

    mutating func expect(_ symbol: Character, _ context: String) throws(ProtoIDLError) {
        guard tryConsume(symbol) else { throw error("expected '\(symbol)' \(context) but found \(current.kind)") }
    }

    mutating func expectWord(_ word: String, _ context: String) throws(ProtoIDLError) {
        guard tryConsumeWord(word) else { throw error("expected '\(word)' \(context) but found \(current.kind)") }
    }

    mutating func identifier(_ what: String) throws(ProtoIDLError) -> String {
        guard case .identifier(let name) = current.kind else { throw error("expected \(what) but found \(current.kind)") }
        advance()
        return name
    }

    /// `a.b.c` or `.a.b.c` (fully qualified), as one string.
    mutating func dottedName(_ what: String) throws(ProtoIDLError) -> String {
        var name = tryConsume(".") ? "." : ""
        name += try identifier(what)
        while lookingAtSymbol("."), case .identifier = peek(1) {
            advance()
            name += "." + (try identifier(what))
        }
        return name
    }

    mutating func integer(_ what: String) throws(ProtoIDLError) -> UInt64 {
        guard case .integer(let value) = current.kind else { throw error("expected \(what) but found \(current.kind)") }
        advance()
        return value
    }

    /// Adjacent string literals concatenate, as in C.
    mutating func string(_ what: String) throws(ProtoIDLError) -> [UInt8] {
        guard case .string(var value) = current.kind else { throw error("expected \(what) but found \(current.kind)") }
        advance()
        while case .string(let more) = current.kind {
            value += more
            advance()
        }
        return value
    }

    mutating func text(_ what: String) throws(ProtoIDLError) -> String {
        let token = current
        let bytes = try string(what)
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw error("\(what) is not valid UTF-8", at: token)
        }
        return text
    }

    /// Inside a `{ }` block: false once its `}` is consumed, skipping empty statements; `what` names the
    /// block in the error for a file that ends inside it.
    mutating func inBlock(_ what: String) throws(ProtoIDLError) -> Bool {
        while tryConsume(";") {}
        if tryConsume("}") { return false }
        if current.kind == .end { throw error("expected '}' to close \(what) but found end of file") }
        return true
    }

    mutating func enter() throws(ProtoIDLError) {
        depth += 1
        if depth > Self.maximumDepth { throw error("nesting deeper than \(Self.maximumDepth) levels") }
    }

    mutating func leave() { depth -= 1 }

    // MARK: File

    mutating func parseFile() throws(ProtoIDLError) {
        if lookingAt("syntax") || lookingAt("edition") { try parseSyntax() }
        while current.kind != .end {
            if tryConsume(";") { continue }
            let token = current
            switch current.kind {
            case .identifier("import"): try parseImport()
            case .identifier("package"): try parsePackage()
            case .identifier("option"):
                advance()
                try parseOptionStatement(key: ProtoElementKey.file)
            case .identifier("message"):
                let message = try parseMessage(scope: result.descriptor.package)
                result.descriptor.messageType.append(message)
            case .identifier("enum"):
                result.descriptor.enumType.append(try parseEnum(scope: result.descriptor.package))
            case .identifier("service"):
                result.descriptor.service.append(try parseService())
            case .identifier("extend"):
                var extensions = result.descriptor.extension
                var messages = result.descriptor.messageType
                try parseExtend(scope: result.descriptor.package, extensions: &extensions, messages: &messages)
                result.descriptor.extension = extensions
                result.descriptor.messageType = messages
            default:
                throw error("expected a top-level statement (message, enum, service, extend, import, package, option) but found \(token.kind)")
            }
        }
    }

    private mutating func parseSyntax() throws(ProtoIDLError) {
        let isEdition = lookingAt("edition")
        advance()
        try expect("=", "after '\(isEdition ? "edition" : "syntax")'")
        let token = current
        let value = try text(isEdition ? "an edition" : "a syntax name")
        if isEdition {
            guard value == "2023" else { throw error("unknown edition \"\(value)\" (supported: \"2023\")", at: token) }
            syntax = .editions
            result.descriptor.syntax = "editions"
            result.descriptor.edition = .edition2023
        } else if value == "proto3" {
            syntax = .proto3
            result.descriptor.syntax = "proto3"
        } else if value != "proto2" {
            throw error("unrecognized syntax identifier \"\(value)\": this parser recognizes \"proto2\" and \"proto3\"", at: token)
        }
        try expect(";", "after the syntax statement")
    }

    private mutating func parseImport() throws(ProtoIDLError) {
        let start = current
        advance()
        if tryConsumeWord("public") {
            result.descriptor.publicDependency.append(Int32(result.descriptor.dependency.count))
        } else if tryConsumeWord("weak") {
            result.descriptor.weakDependency.append(Int32(result.descriptor.dependency.count))
        }
        let nameToken = current
        let name = try text("a file name to import")
        if result.descriptor.dependency.contains(name) { throw error("import \"\(name)\" was listed twice", at: nameToken) }
        try expect(";", "after the import")
        result.descriptor.dependency.append(name)
        result.importLocations.append(location(of: start))
    }

    private mutating func parsePackage() throws(ProtoIDLError) {
        let start = current
        if result.descriptor.hasPackage { throw error("multiple package definitions", at: start) }
        advance()
        let name = try dottedName("a package name")
        if name.hasPrefix(".") { throw error("a package name cannot start with '.'", at: start) }
        try expect(";", "after the package name")
        result.descriptor.package = name
    }
}
