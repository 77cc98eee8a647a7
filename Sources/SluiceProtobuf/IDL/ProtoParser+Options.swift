/// Option names (`a.(b.c).d`) and values, including text-format aggregates `{ a: 1 b { c: "x" } }`.
extension ProtoParser {
    /// After the word `option`: `name = value;`.
    mutating func parseOptionStatement(key: String) throws(ProtoIDLError) {
        try parseOptionAssignment(key: key)
        try expect(";", "after the option")
    }

    /// `[name = value, ...]` after an enum value or extension range.
    mutating func parseBracketOptions(key: String) throws(ProtoIDLError) {
        try expect("[", "to open the options")
        repeat { try parseOptionAssignment(key: key) } while tryConsume(",")
        try expect("]", "to close the options")
    }

    /// `name = value`, recorded for the linker under `key`.
    mutating func parseOptionAssignment(key: String) throws(ProtoIDLError) {
        var parts: [ProtoOptionStatement.NamePart] = []
        repeat {
            let token = current
            if tryConsume("(") {
                let name = try dottedName("an extension name")
                try expect(")", "after the extension name")
                parts.append(.init(name: name, isExtension: true, location: location(of: token)))
            } else {
                parts.append(.init(name: try identifier("an option name"), isExtension: false, location: location(of: token)))
            }
        } while tryConsume(".")
        try expect("=", "after the option name")
        let valueLocation = location
        let value = try parseOptionValue()
        let statement = ProtoOptionStatement(name: parts, value: value, valueLocation: valueLocation)
        result.options[key, default: []].append(statement)
    }

    private mutating func parseOptionValue() throws(ProtoIDLError) -> ProtoOptionValue {
        if tryConsume("{") { return .aggregate(try parseAggregateFields(closing: "}")) }
        return try parseScalarValue()
    }

    /// A number, identifier or string, with an optional leading `-`.
    private mutating func parseScalarValue() throws(ProtoIDLError) -> ProtoOptionValue {
        let negative = tryConsume("-")
        switch current.kind {
        case .integer(let value):
            advance()
            return .integer(value, negative: negative)
        case .float(let value):
            advance()
            return .float(negative ? -value : value)
        case .identifier(let name):
            advance()
            return .identifier(name, negative: negative)
        case .string where !negative:
            return .string(try string("a string"))
        default:
            throw error("expected an option value but found \(current.kind)")
        }
    }

    /// Text-format fields up to `closing` (`}` or `>`).
    private mutating func parseAggregateFields(closing: Character) throws(ProtoIDLError) -> [ProtoAggregateField] {
        try enter()
        defer { leave() }
        var fields: [ProtoAggregateField] = []
        while !tryConsume(closing) {
            if current.kind == .end { throw error("expected '\(closing)' to close the aggregate value but found end of file") }
            let token = current
            let name: String
            let isExtension = tryConsume("[")
            if isExtension {
                name = try dottedName("an extension name")
                if lookingAtSymbol("/") { throw error("Any values written as [type.url/Name] are not supported in options") }
                try expect("]", "after the extension name")
            } else {
                name = try identifier("a field name")
            }
            let value: ProtoOptionValue
            if tryConsume(":") {
                value = try parseAggregateValue()
            } else if lookingAtSymbol("{") || lookingAtSymbol("<") {
                value = try parseAggregateValue()
            } else {
                throw error("expected ':' after field '\(name)' but found \(current.kind)")
            }
            fields.append(ProtoAggregateField(name: name, isExtension: isExtension, value: value, location: location(of: token)))
            if !tryConsume(",") { _ = tryConsume(";") }
        }
        return fields
    }

    private mutating func parseAggregateValue() throws(ProtoIDLError) -> ProtoOptionValue {
        if tryConsume("{") { return .aggregate(try parseAggregateFields(closing: "}")) }
        if tryConsume("<") { return .aggregate(try parseAggregateFields(closing: ">")) }
        if tryConsume("[") {
            var items: [ProtoOptionValue] = []
            if tryConsume("]") { return .list(items) }
            repeat { items.append(try parseAggregateValue()) } while tryConsume(",")
            try expect("]", "to close the list")
            return .list(items)
        }
        return try parseScalarValue()
    }
}
