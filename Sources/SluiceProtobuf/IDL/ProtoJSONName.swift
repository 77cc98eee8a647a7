/// protoc's camel-casing of field names: underscores dropped and the letter after each upper-cased.
enum ProtoJSONName {
    /// The JSON name protoc gives a field that does not set `json_name` (`foo_bar_baz` -> `fooBarBaz`; the
    /// first letter is left as it is).
    static func of(_ name: String) -> String { camelCase(name, capitalizingFirst: false) }

    /// The name of the entry message of map field `name` (`child_nodes` -> `ChildNodesEntry`).
    static func mapEntry(of name: String) -> String { camelCase(name, capitalizingFirst: true) + "Entry" }

    private static func camelCase(_ name: String, capitalizingFirst: Bool) -> String {
        var result = ""
        var capitalizeNext = capitalizingFirst
        for character in name {
            if character == "_" {
                capitalizeNext = true
            } else if capitalizeNext {
                result += character.isASCII ? character.uppercased() : String(character)
                capitalizeNext = false
            } else {
                result.append(character)
            }
        }
        return result
    }
}
