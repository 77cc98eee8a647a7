import SwiftProtobuf

/// Turns parsed files (or a descriptor set's files) into linked descriptors, as protoc's `DescriptorBuilder`
/// does: every type name fully qualified by protobuf's scoping rules, options interpreted into their
/// `*Options` messages (custom ones as the extension bytes protoc writes), `json_name` filled in, and the
/// errors protoc reports (undefined, invisible, duplicate or conflicting names and numbers) reported with
/// where they were written.
///
/// `files` are in dependency order: each file's imports come before it.
struct ProtoLinker {
    enum SymbolKind: Sendable { case package, message, enumType, enumValue, field, oneof, service, method }

    struct Symbol: Sendable {
        var kind: SymbolKind
        var file: Int
    }

    var files: [ProtoParsedFile]
    var symbols: [String: Symbol] = [:]
    var packageFiles: [String: Set<Int>] = [:]
    /// Files whose symbols each file may use: itself, its imports, and what those import publicly.
    var visible: [Set<Int>] = []
    var indexByName: [String: Int] = [:]
    /// Linked messages and enums by full name (no leading dot), for options and checks.
    var messages: [String: Google_Protobuf_DescriptorProto] = [:]
    var messageFiles: [String: Int] = [:]
    var enums: [String: Google_Protobuf_EnumDescriptorProto] = [:]
    /// Extensions by full name, and their extendee (with leading dot) + number, once types are resolved.
    var extensions: [String: Google_Protobuf_FieldDescriptorProto] = [:]
    /// `extendee#number` to the extension that claimed it.
    var extensionNumbers: [String: String] = [:]

    /// Files from a descriptor set have no option statements: their options are already messages.
    init(files: [ProtoParsedFile]) {
        self.files = files
    }

    static func link(_ files: [ProtoParsedFile]) throws(ProtoIDLError) -> [Google_Protobuf_FileDescriptorProto] {
        var linker = ProtoLinker(files: files)
        try linker.run()
        return linker.files.map(\.descriptor)
    }

    mutating func run() throws(ProtoIDLError) {
        try computeVisibility()
        for index in files.indices { try addSymbols(file: index) }
        for index in files.indices { try resolveTypes(file: index) }
        collectTables()
        for index in files.indices {
            try interpretOptions(file: index)
            collectTables(file: index)
        }
        for index in files.indices {
            try validate(file: index)
            fillJSONNames(file: index)
        }
    }

    /// Where an element was written; for descriptors that came without text, the file and the element.
    func location(file: Int, _ key: String) -> ProtoSourceLocation {
        files[file].locations[key] ?? ProtoSourceLocation(file: files[file].path + Self.describe(key), line: 0, column: 0)
    }

    /// ` field a.M.x` for `F:a.M.x#type`: names an element of a descriptor set in errors.
    static func describe(_ key: String) -> String {
        let kinds: [Character: String] = [
            "M": "message", "F": "field", "O": "oneof", "E": "enum", "V": "enum value", "S": "service", "R": "method",
            "X": "extension range of",
        ]
        guard let kind = key.first.flatMap({ kinds[$0] }), key.dropFirst().first == ":" else { return "" }
        let name = key.dropFirst(2).split(separator: "#").first.map(String.init) ?? ""
        return " \(kind) \(name)"
    }

    func error(file: Int, _ key: String, _ message: String) -> ProtoIDLError {
        ProtoIDLError(location: location(file: file, key), message: message)
    }

    /// `("a.b", "c")` for `a.b.c`.
    static func split(_ name: String) -> (scope: String, last: String) {
        guard let dot = name.lastIndex(of: ".") else { return ("", name) }
        return (String(name[..<dot]), String(name[name.index(after: dot)...]))
    }

    // MARK: Tables

    /// Indexes every message, enum and extension of the load by full name.
    private mutating func collectTables() {
        for index in files.indices { collectTables(file: index) }
    }

    mutating func collectTables(file index: Int) {
        let descriptor = files[index].descriptor
        for field in descriptor.extension { extensions[ProtoParser.join(descriptor.package, field.name)] = field }
        for enumType in descriptor.enumType { enums[ProtoParser.join(descriptor.package, enumType.name)] = enumType }
        Self.visitMessages(descriptor.messageType, scope: descriptor.package) { message, name in
            messages[name] = message
            messageFiles[name] = index
            for field in message.extension { extensions[ProtoParser.join(name, field.name)] = field }
            for enumType in message.enumType { enums[ProtoParser.join(name, enumType.name)] = enumType }
        }
    }

    static func visitMessages(
        _ messages: [Google_Protobuf_DescriptorProto], scope: String, _ body: (Google_Protobuf_DescriptorProto, String) -> Void
    ) {
        for message in messages {
            let name = ProtoParser.join(scope, message.name)
            body(message, name)
            visitMessages(message.nestedType, scope: name, body)
        }
    }

    /// Calls `body` with each message of `messages` and their nested ones, to change them in place.
    static func updateMessages(
        _ messages: inout [Google_Protobuf_DescriptorProto], scope: String,
        _ body: (inout Google_Protobuf_DescriptorProto, String) throws(ProtoIDLError) -> Void
    ) throws(ProtoIDLError) {
        for index in messages.indices {
            let name = ProtoParser.join(scope, messages[index].name)
            try body(&messages[index], name)
            try updateMessages(&messages[index].nestedType, scope: name, body)
        }
    }
}
