/// One lexical unit of a Thrift IDL file, with the position of its first character.
struct IDLToken: Sendable, Equatable {
    var kind: IDLTokenKind
    var line: Int
    var column: Int

    func location(in file: String) -> SourceLocation {
        SourceLocation(file: file, line: line, column: column)
    }
}

enum IDLTokenKind: Sendable, Equatable {
    /// A name, possibly dotted (`inc.Type`, `Color.RED`, `api.get`), as Thrift's lexer reads them.
    case identifier(String)
    case keyword(IDLKeyword)
    case int(Int64)
    case double(Double)
    case string(String)
    case symbol(IDLSymbol)
    case end
}

enum IDLSymbol: Character, Sendable {
    case leftBrace = "{"
    case rightBrace = "}"
    case leftParen = "("
    case rightParen = ")"
    case leftBracket = "["
    case rightBracket = "]"
    case leftAngle = "<"
    case rightAngle = ">"
    case comma = ","
    case semicolon = ";"
    case colon = ":"
    case equals = "="
    case star = "*"
    case ampersand = "&"

    init?(byte: UInt8) {
        guard byte < 0x80 else { return nil }
        self.init(rawValue: Character(Unicode.Scalar(byte)))
    }
}

/// Words the Thrift grammar reserves. They can never name a type, field, method or value.
enum IDLKeyword: String, Sendable, CaseIterable {
    case include, cpp_include, namespace
    case typedef, `enum`, const, `struct`, union, exception, service, extends
    case oneway, `throws`, void, required, optional
    case map, set, list, cpp_type
    case bool, byte, i8, i16, i32, i64, double, string, binary, uuid
    case `true`, `false`
    // Removed from the language but still reserved by Apache Thrift's lexer.
    case senum, slist, async
    case xsd_all, xsd_optional, xsd_nillable, xsd_attrs, xsd_namespace

    static let byText: [String: IDLKeyword] = Dictionary(
        uniqueKeysWithValues: allCases.map { ($0.rawValue, $0) })
}

extension IDLTokenKind: CustomStringConvertible {
    /// How an error message names what it found: `'servce'`, `'}'`, `end of file`.
    var description: String {
        switch self {
        case .identifier(let name): "'\(name)'"
        case .keyword(let keyword): "'\(keyword.rawValue)'"
        case .int(let value): "'\(value)'"
        case .double(let value): "'\(value)'"
        case .string(let text):
            text.unicodeScalars.count > 40 ? "string \"\(String(text.unicodeScalars.prefix(40)))...\"" : "string \"\(text)\""
        case .symbol(let symbol): "'\(symbol.rawValue)'"
        case .end: "end of file"
        }
    }
}
