extension IDLParser {
    /// Fields up to `closing` (`}` for structs, `)` for arguments and `throws`). Omitted ids count down
    /// from -1 within each list, as Apache Thrift assigns them.
    ///
    /// In a method's argument and throws lists `optional` means nothing, as in Apache Thrift (where it is
    /// ignored with a warning): such fields keep the default requiredness.
    mutating func parseFieldList(
        closing: IDLSymbol, owner: String, inMethod: Bool = false
    ) throws(ThriftIDLError) -> [IDLField] {
        var fields: [IDLField] = []
        var nextImplicitID = -1
        while !consume(closing) {
            var field = try parseField(closing: closing, owner: owner, nextImplicitID: &nextImplicitID)
            if inMethod && field.requiredness == .optional { field.requiredness = .default }
            fields.append(field)
        }
        return fields
    }

    private mutating func parseField(
        closing: IDLSymbol, owner: String, nextImplicitID: inout Int
    ) throws(ThriftIDLError) -> IDLField {
        let start = current
        let unclosed = "'\(closing.rawValue)' to close \(owner)"
        if current.kind == .end || startsDefinition {
            throw expected(unclosed)
        }
        var id: Int16
        var explicit = false
        if case .int(let value) = current.kind {
            advance()
            guard consume(.colon) else { throw expected("':' after field id \(value)") }
            guard value <= Int64(Int16.max) else {
                throw error("field id \(value) is out of range: ids must be between 1 and 32767", at: start)
            }
            explicit = true
        }
        if explicit, case .int(let value) = start.kind, value >= 1 {
            id = Int16(value)
        } else {
            // Omitted, or not positive: Apache Thrift assigns the next negative id to both.
            guard nextImplicitID >= Int(Int16.min) else {
                throw error("too many fields without an id in \(owner)", at: start)
            }
            id = Int16(nextImplicitID)
            nextImplicitID -= 1
        }
        var requiredness = Requiredness.default
        if consume(.required) {
            requiredness = .required
        } else if consume(.optional) {
            requiredness = .optional
        }
        if check(.void) { throw error("'void' can only be the return type of a method", at: current) }
        guard startsType else {
            if explicit || requiredness != .default { throw expected("a field type") }
            throw expected("a field or \(unclosed)")
        }
        let type = try parseFieldType()
        _ = consume(.ampersand)  // C++ `cpp.ref` marker; it does not change the wire type.
        let name: String
        do throws(ThriftIDLError) {
            name = try expectFieldName()
        } catch {
            if !explicit && requiredness == .default, case .identifier = start.kind { throw expected(unclosed) }
            throw error
        }
        // `servce Foo {` parses as a field up to here; the real mistake is the missing close.
        if !explicit && requiredness == .default, case .identifier = start.kind, check(.leftBrace) || check(.extends) {
            throw error("expected \(unclosed) but found \(start.kind)", at: start)
        }
        var defaultValue: IDLConstValue?
        if consume(.equals) {
            defaultValue = try parseConstValue()
        }
        let annotations = try parseAnnotations()
        skipSeparator()
        return IDLField(
            id: id, name: name, type: type, requiredness: requiredness, defaultValue: defaultValue,
            annotations: annotations, location: location(start))
    }

    /// Field names may also be most keywords (`1: string type`, `2: i32 list`), as Apache Thrift allows.
    private mutating func expectFieldName() throws(ThriftIDLError) -> String {
        if case .keyword(let keyword) = current.kind, Self.keywordsAllowedAsFieldNames.contains(keyword) {
            advance()
            return keyword.rawValue
        }
        return try expectName("a field name").name
    }

    static let keywordsAllowedAsFieldNames: Set<IDLKeyword> = [
        .namespace, .cpp_include, .include, .void, .bool, .byte, .i8, .i16, .i32, .i64, .double, .string, .binary,
        .uuid, .map, .list, .set, .oneway, .async, .typedef, .struct, .union, .exception, .extends, .throws,
        .service, .enum, .const, .required, .optional,
    ]

    var startsDefinition: Bool {
        guard case .keyword(let keyword) = current.kind else { return false }
        switch keyword {
        case .struct, .union, .exception, .enum, .const, .typedef, .service, .include, .namespace, .cpp_include:
            return true
        default:
            return false
        }
    }

    var startsType: Bool {
        switch current.kind {
        case .identifier: return true
        case .keyword(let keyword):
            // `slist` and `senum` count so that parseFieldType can say they were removed.
            return Self.baseTypes[keyword] != nil || [.map, .set, .list, .slist, .senum].contains(keyword)
        default: return false
        }
    }

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
                _ = try parseAnnotations()
                return .base(base)
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
            _ = try parseAnnotations()
            return type
        default:
            throw expected("a type")
        }
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
