extension IDLParser {
    mutating func parseDefinition() throws(ThriftIDLError) -> IDLDefinition {
        guard case .keyword(let keyword) = current.kind else {
            if case .identifier(let name) = current.kind, let scope = Self.legacyNamespaceKeywords[name] {
                throw error("'\(name)' is no longer supported; write 'namespace \(scope) <name>'", at: current)
            }
            throw expected("a definition (struct, union, exception, enum, const, typedef or service)")
        }
        switch keyword {
        case .typedef: return .typedef(try parseTypedef())
        case .enum: return .enum(try parseEnum())
        case .const: return .const(try parseConst())
        case .struct: return .structure(try parseStruct(.struct))
        case .union: return .structure(try parseStruct(.union))
        case .exception: return .structure(try parseStruct(.exception))
        case .service: return .service(try parseService())
        case .senum, .slist:
            throw error("'\(keyword.rawValue)' is no longer part of the Thrift language", at: current)
        case .xsd_namespace:
            throw error("'xsd_namespace' is no longer supported; write 'namespace xsd <name>'", at: current)
        default:
            throw expected("a definition (struct, union, exception, enum, const, typedef or service)")
        }
    }

    /// Pre-`namespace` declarations that Apache Thrift now rejects, with the scope that replaces each.
    static let legacyNamespaceKeywords: [String: String] = [
        "cpp_namespace": "cpp", "java_package": "java", "csharp_namespace": "csharp", "delphi_namespace": "delphi",
        "php_namespace": "php", "py_module": "py", "perl_package": "perl", "ruby_namespace": "rb",
        "smalltalk_category": "st", "smalltalk_prefix": "st",
    ]

    private mutating func parseTypedef() throws(ThriftIDLError) -> IDLTypedef {
        advance()
        let type = try parseFieldType()
        let (name, token) = try expectName("a typedef name")
        let annotations = try parseAnnotations()
        skipSeparator()
        return IDLTypedef(name: name, type: type, annotations: annotations, location: location(token))
    }

    private mutating func parseEnum() throws(ThriftIDLError) -> IDLEnum {
        advance()
        let (name, token) = try expectName("an enum name")
        try expect(.leftBrace, "to open enum '\(name)'")
        var values: [EnumDescriptor.Value] = []
        var locations: [SourceLocation] = []
        // The first implicit value is 0; each later one is one more than the value before it.
        var nextValue: Int64 = 0
        while !consume(.rightBrace) {
            guard case .identifier = current.kind else {
                if startsDefinition { throw expected("'}' to close enum '\(name)'") }
                if case .keyword = current.kind { _ = try expectName("an enum value name") }
                throw expected("an enum value name or '}' to close enum '\(name)'")
            }
            let (valueName, valueToken) = try expectName("an enum value name")
            var value = nextValue
            if consume(.equals) {
                guard case .int(let explicit) = current.kind else {
                    throw expected("an integer value for '\(name).\(valueName)'")
                }
                value = explicit
                advance()
            }
            guard let value32 = Int32(exactly: value) else {
                throw error("value \(value) of '\(name).\(valueName)' is out of the i32 range", at: valueToken)
            }
            let annotations = try parseAnnotations()
            skipSeparator()
            values.append(EnumDescriptor.Value(name: valueName, value: value32, annotations: annotations))
            locations.append(location(valueToken))
            nextValue = value + 1
        }
        let annotations = try parseAnnotations()
        skipSeparator()
        return IDLEnum(
            name: name, values: values, valueLocations: locations, annotations: annotations, location: location(token))
    }

    private mutating func parseConst() throws(ThriftIDLError) -> IDLConst {
        advance()
        let type = try parseFieldType()
        let (name, token) = try expectName("a constant name")
        try expect(.equals, "and a value for constant '\(name)'")
        let value = try parseConstValue()
        skipSeparator()
        return IDLConst(name: name, type: type, value: value, location: location(token))
    }

    private mutating func parseStruct(_ kind: StructDescriptor.Kind) throws(ThriftIDLError) -> IDLStruct {
        advance()
        let kindName = kind.keyword
        let (name, token) = try expectName("a \(kindName) name")
        _ = consume(.xsd_all)
        try expect(.leftBrace, "to open \(kindName) '\(name)'")
        let fields = try parseFieldList(closing: .rightBrace, owner: "\(kindName) '\(name)'")
        let annotations = try parseAnnotations()
        skipSeparator()
        return IDLStruct(name: name, kind: kind, fields: fields, annotations: annotations, location: location(token))
    }

    private mutating func parseService() throws(ThriftIDLError) -> IDLService {
        advance()
        let (name, token) = try expectName("a service name")
        var extends: (String, SourceLocation)?
        if consume(.extends) {
            guard case .identifier(let base) = current.kind else { throw expected("a service name after 'extends'") }
            extends = (base, location(advance()))
        }
        try expect(.leftBrace, "to open service '\(name)'")
        var functions: [IDLFunction] = []
        while !consume(.rightBrace) {
            functions.append(try parseFunction(service: name))
        }
        let annotations = try parseAnnotations()
        skipSeparator()
        return IDLService(
            name: name, extends: extends, functions: functions, annotations: annotations, location: location(token))
    }

    private mutating func parseFunction(service: String) throws(ThriftIDLError) -> IDLFunction {
        let start = current
        let oneway = consume(.oneway) || consume(.async)  // `async` is the old spelling of `oneway`.
        var returnType: IDLTypeReference?
        if consume(.void) {
            _ = try parseAnnotations()
        } else {
            guard startsType else {
                if current.kind == .end || startsDefinition { throw expected("'}' to close service '\(service)'") }
                throw expected("a method (return type or 'void') or '}' to close service '\(service)'")
            }
            returnType = try parseFieldType()
        }
        let (name, token) = try expectName("a method name")
        try expect(.leftParen, "to open the arguments of '\(service).\(name)'")
        let arguments = try parseFieldList(
            closing: .rightParen, owner: "the arguments of '\(service).\(name)'", inMethod: true)
        var exceptions: [IDLField] = []
        if consume(.throws) {
            try expect(.leftParen, "after 'throws'")
            exceptions = try parseFieldList(
                closing: .rightParen, owner: "the throws clause of '\(service).\(name)'", inMethod: true)
        }
        if oneway && returnType != nil {
            throw error("oneway method '\(service).\(name)' must return void", at: start)
        }
        if oneway && !exceptions.isEmpty {
            throw error("oneway method '\(service).\(name)' cannot throw exceptions", at: start)
        }
        let annotations = try parseAnnotations()
        skipSeparator()
        return IDLFunction(
            name: name, oneway: oneway, returnType: returnType, arguments: arguments, exceptions: exceptions,
            annotations: annotations, location: location(token))
    }
}

extension StructDescriptor.Kind {
    /// The keyword that declares this kind, for messages.
    var keyword: String {
        switch self {
        case .struct: "struct"
        case .union: "union"
        case .exception: "exception"
        }
    }
}
