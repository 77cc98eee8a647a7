import SluiceJSON

extension SentinelRuleKind where Rule == ApiDefinition {
    /// Java's `ApiDefinition[]` (Spring Cloud Alibaba's `gw-api-group`); there is no Go format.
    public static var apiDefinitions: Self {
        Self(name: "api_definitions", java: ApiDefinitionJSON.java)
    }
}

enum ApiDefinitionJSON {
    static func java(_ reader: inout RuleFileReader) throws(JSONError) -> ApiDefinition? {
        var name = "", items: [ApiPredicateItem]?
        try reader.readObject { reader, key throws(JSONError) in
            switch key {
            case "apiName": name = try reader.string() ?? name
            case "predicateItems": items = try predicates(&reader, field: "predicateItems")
            default: try reader.skip()
            }
        }
        guard reader.fault == nil else { return nil }
        guard let items else {
            reader.fail(field: "predicateItems", "is required")
            return nil
        }
        let api = ApiDefinition(apiName: name, predicateItems: items)
        do throws(ApiDefinition.ValidationError) {
            try api.validate()
            return api
        } catch {
            reader.fail(field: error.field, error.reason)
            return nil
        }
    }

    /// An array of `ApiPathPredicateItem {pattern, matchStrategy}` or `ApiPredicateGroupItem {items}`.
    private static func predicates(
        _ reader: inout RuleFileReader, field: String
    ) throws(JSONError) -> [ApiPredicateItem]? {
        var items: [ApiPredicateItem] = []
        let isArray = try reader.readArray { reader, index throws(JSONError) in
            var pattern: String?, match = 0, group: [ApiPredicateItem]?
            try reader.readObject { reader, key throws(JSONError) in
                switch key {
                case "pattern": pattern = try reader.string()
                case "matchStrategy": match = try reader.int32() ?? match
                case "items": group = try predicates(&reader, field: "\(field)[\(index)].items")
                default: try reader.skip()
                }
            }
            guard reader.fault == nil else { return }
            if let group {
                items.append(.group(group))
            } else if let pattern, !pattern.allSatisfy(\.isWhitespace) {
                guard let strategy = ApiUrlMatchStrategy(rawValue: match) else {
                    let reason = "must be 0 (exact), 1 (prefix) or 2 (regex)"
                    return reader.fail(field: "\(field)[\(index)].matchStrategy", reason)
                }
                items.append(.path(pattern: pattern, matchStrategy: strategy))
            } else {
                reader.fail(field: "\(field)[\(index)].pattern", "is required")
            }
        }
        return isArray ? items : nil
    }
}
