import SwiftProtobuf

/// What the parser makes of one `.proto` file: the descriptor as protoc's parser leaves it (type names as
/// written, options not yet interpreted), plus where each element was written and its option statements,
/// which the linker needs to resolve names and report errors at `file:line:column`.
struct ProtoParsedFile: Sendable {
    var descriptor: Google_Protobuf_FileDescriptorProto
    var path: String
    /// Element key (see ``ProtoElementKey``) to where the element, its type or its extendee was written.
    var locations: [String: ProtoSourceLocation] = [:]
    /// Element key to its `option` statements and `[...]` options, in the order written.
    var options: [String: [ProtoOptionStatement]] = [:]
    /// Where each `import` statement was written, by index in ``descriptor``'s `dependency`.
    var importLocations: [ProtoSourceLocation] = []
}

/// Names for the elements of a file, unique within a load (full names are unique once duplicates are
/// rejected), so locations and options can ride beside the descriptors instead of inside them.
enum ProtoElementKey {
    static let file = "file"
    static func message(_ fullName: String) -> String { "M:" + fullName }
    static func field(_ fullName: String) -> String { "F:" + fullName }
    static func oneof(_ fullName: String) -> String { "O:" + fullName }
    static func enumType(_ fullName: String) -> String { "E:" + fullName }
    /// Enum values are keyed under their enum, since their full names are siblings of the enum's.
    static func enumValue(enum enumFullName: String, _ name: String) -> String { "V:" + enumFullName + "." + name }
    static func service(_ fullName: String) -> String { "S:" + fullName }
    static func method(_ fullName: String) -> String { "R:" + fullName }
    static func extensionRange(message fullName: String, index: Int) -> String { "X:\(fullName)#\(index)" }
    /// Where the type a field or method names was written (`#type`, `#extendee`, `#input`, `#output`).
    static func part(_ key: String, _ part: String) -> String { key + "#" + part }
}

/// One `option a.(b.c).d = value;` statement or `[a = value]` field option.
struct ProtoOptionStatement: Sendable {
    struct NamePart: Sendable, Equatable {
        /// The name as written: `java_package`, or for an extension `(my.pkg.opt)` the text inside the parentheses.
        var name: String
        var isExtension: Bool
        var location: ProtoSourceLocation
    }

    var name: [NamePart]
    var value: ProtoOptionValue
    var valueLocation: ProtoSourceLocation

    /// How the option is named in messages: `(google.api.http).get`.
    var displayName: String {
        name.map { $0.isExtension ? "(\($0.name))" : $0.name }.joined(separator: ".")
    }
}

/// An option's value as written; the linker converts it once it knows the option's type.
indirect enum ProtoOptionValue: Sendable {
    /// `true`, `SPEED`, `inf`; `negative` for `-inf`.
    case identifier(String, negative: Bool)
    case integer(UInt64, negative: Bool)
    case float(Double)
    case string([UInt8])
    /// A text-format message `{ a: 1 b { c: "x" } }`.
    case aggregate([ProtoAggregateField])
    /// A text-format list `[1, 2]` (inside aggregates only).
    case list([ProtoOptionValue])
}

struct ProtoAggregateField: Sendable {
    /// A field name, or for `[my.ext]` the extension's name.
    var name: String
    var isExtension: Bool
    var value: ProtoOptionValue
    var location: ProtoSourceLocation
}
