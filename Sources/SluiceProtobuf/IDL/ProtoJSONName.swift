/// The JSON name protoc gives a field that does not set `json_name`: underscores dropped and the letter
/// after each upper-cased (`foo_bar_baz` -> `fooBarBaz`); the first letter is left as it is.
enum ProtoJSONName {
    static func of(_ name: String) -> String {
        var result = ""
        var capitalizeNext = false
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
