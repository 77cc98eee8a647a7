extension IDLParser {
    static let baseTypes: [IDLKeyword: ThriftType] = [
        .bool: .bool, .byte: .i8, .i8: .i8, .i16: .i16, .i32: .i32, .i64: .i64, .double: .double,
        .string: .string, .binary: .binary, .uuid: .uuid,
    ]

    /// A base type, container or named type. Base and container types may carry annotations.
    mutating func parseFieldType() throws(ThriftIDLError) -> IDLTypeReference {
        let token = current
        switch token.kind {
        case .identifier(let name):
            advance()
            return .named(name, location(token))
        case .keyword(let keyword):
            if let base = Self.baseTypes[keyword] {
                advance()
                return try annotated(.base(base))
            }
            guard keyword == .map || keyword == .set || keyword == .list else {
                if keyword == .void { throw error("'void' can only be the return type of a method", at: token) }
                if keyword == .slist || keyword == .senum {
                    throw error("'\(keyword.rawValue)' is no longer part of the Thrift language; use 'string'", at: token)
                }
                throw expected("a type")
            }
            try enterNesting(token)
            defer { depth -= 1 }
            advance()
            try skipCppType()
            try expect(.leftAngle, "after '\(keyword.rawValue)'")
            let type: IDLTypeReference
            if keyword == .map {
                let key = try parseFieldType()
                try expect(.comma, "between the key and value types of 'map'")
                let value = try parseFieldType()
                type = .map(key: key, value: value)
            } else {
                let element = try parseFieldType()
                type = keyword == .set ? .set(element) : .list(element)
            }
            try expect(.rightAngle, "to close '\(keyword.rawValue)<'")
            try skipCppType()
            return try annotated(type)
        default:
            throw expected("a type")
        }
    }

    /// `type` with the annotations that follow it, if any.
    private mutating func annotated(_ type: IDLTypeReference) throws(ThriftIDLError) -> IDLTypeReference {
        let annotations = try parseAnnotations()
        return annotations.isEmpty ? type : .annotated(type, annotations)
    }

    private mutating func skipCppType() throws(ThriftIDLError) {
        guard consume(.cpp_type) else { return }
        guard case .string = current.kind else { throw expected("a quoted C++ type name after 'cpp_type'") }
        advance()
    }

    /// `( key = "value", key2 = 'v'; bare_key )`. A bare key has the value `"1"`, as in Apache Thrift.
    mutating func parseAnnotations() throws(ThriftIDLError) -> Annotations {
        guard consume(.leftParen) else { return Annotations() }
        var entries: [(key: String, value: String)] = []
        while !consume(.rightParen) {
            let key: String
            switch current.kind {
            case .identifier(let name): key = name
            case .keyword(let keyword): key = keyword.rawValue
            default: throw expected(entries.isEmpty ? "an annotation name" : "an annotation name or ')'")
            }
            advance()
            var value = "1"
            if consume(.equals) {
                guard case .string(let text) = current.kind else {
                    throw expected("a quoted value for annotation '\(key)'")
                }
                value = text
                advance()
            }
            entries.append((key, value))
            skipSeparator()
        }
        return Annotations(entries)
    }
}
