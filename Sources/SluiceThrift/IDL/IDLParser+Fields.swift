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
        try skipXSDModifiers(of: name)
        let annotations = try parseAnnotations()
        skipSeparator()
        return IDLField(
            id: id, name: name, type: type, requiredness: requiredness, defaultValue: defaultValue,
            annotations: annotations, location: location(start))
    }

    /// `xsd_optional`, `xsd_nillable` and `xsd_attrs { fields }` after a field: XML Schema hints Apache
    /// Thrift still parses. They change nothing on the wire.
    private mutating func skipXSDModifiers(of field: String) throws(ThriftIDLError) {
        _ = consume(.xsd_optional)
        _ = consume(.xsd_nillable)
        let attributes = current
        guard consume(.xsd_attrs) else { return }
        try enterNesting(attributes)
        defer { depth -= 1 }
        try expect(.leftBrace, "after 'xsd_attrs'")
        _ = try parseFieldList(closing: .rightBrace, owner: "the xsd_attrs of '\(field)'")
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
}
