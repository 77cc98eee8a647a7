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

    private mutating func computeVisibility() throws(ProtoIDLError) {
        for (index, file) in files.enumerated() {
            if let other = indexByName[file.descriptor.name] {
                throw error(file: index, ProtoElementKey.file, "file \"\(file.descriptor.name)\" is loaded twice (also from \(files[other].path))")
            }
            indexByName[file.descriptor.name] = index
        }
        var publicClosure: [Set<Int>] = []
        for (index, file) in files.enumerated() {
            var direct: Set<Int> = [index]
            var exported: Set<Int> = [index]
            for (position, dependency) in file.descriptor.dependency.enumerated() {
                guard let target = indexByName[dependency], target < index else {
                    let key = "I:\(position)"
                    throw ProtoIDLError(
                        location: file.importLocations.indices.contains(position)
                            ? file.importLocations[position] : location(file: index, key),
                        message: "import \"\(dependency)\" was not found or had errors")
                }
                direct.formUnion(publicClosure[target])
                if file.descriptor.publicDependency.contains(Int32(position)) { exported.formUnion(publicClosure[target]) }
            }
            publicClosure.append(exported)
            visible.append(direct)
        }
    }

    // MARK: Symbols

    private mutating func addSymbols(file index: Int) throws(ProtoIDLError) {
        let descriptor = files[index].descriptor
        var package = ""
        for component in descriptor.package.split(separator: ".") {
            package = package.isEmpty ? String(component) : package + "." + component
            if let existing = symbols[package], existing.kind != .package {
                throw error(file: index, ProtoElementKey.file,
                    "\"\(package)\" is already defined (as something other than a package) in file \"\(files[existing.file].descriptor.name)\"")
            }
            symbols[package] = Symbol(kind: .package, file: index)
            packageFiles[package, default: []].insert(index)
        }
        let scope = descriptor.package
        for message in descriptor.messageType { try addSymbols(message: message, scope: scope, file: index) }
        for enumType in descriptor.enumType { try addSymbols(enum: enumType, scope: scope, file: index) }
        for field in descriptor.extension {
            try define(ProtoParser.join(scope, field.name), .field, file: index, key: ProtoElementKey.field(ProtoParser.join(scope, field.name)))
        }
        for service in descriptor.service {
            let name = ProtoParser.join(scope, service.name)
            try define(name, .service, file: index, key: ProtoElementKey.service(name))
            for method in service.method {
                let methodName = ProtoParser.join(name, method.name)
                try define(methodName, .method, file: index, key: ProtoElementKey.method(methodName))
            }
        }
    }

    private mutating func addSymbols(message: Google_Protobuf_DescriptorProto, scope: String, file: Int) throws(ProtoIDLError) {
        let name = ProtoParser.join(scope, message.name)
        try define(name, .message, file: file, key: ProtoElementKey.message(name))
        for field in message.field + message.extension {
            let fieldName = ProtoParser.join(name, field.name)
            try define(fieldName, .field, file: file, key: ProtoElementKey.field(fieldName))
        }
        for oneof in message.oneofDecl {
            let oneofName = ProtoParser.join(name, oneof.name)
            try define(oneofName, .oneof, file: file, key: ProtoElementKey.oneof(oneofName))
        }
        for nested in message.nestedType { try addSymbols(message: nested, scope: name, file: file) }
        for enumType in message.enumType { try addSymbols(enum: enumType, scope: name, file: file) }
    }

    private mutating func addSymbols(enum enumType: Google_Protobuf_EnumDescriptorProto, scope: String, file: Int) throws(ProtoIDLError) {
        let name = ProtoParser.join(scope, enumType.name)
        try define(name, .enumType, file: file, key: ProtoElementKey.enumType(name))
        let scopeName = scope.isEmpty ? files[file].descriptor.name : scope
        for value in enumType.value {
            let valueName = ProtoParser.join(scope, value.name)
            let key = ProtoElementKey.enumValue(enum: name, value.name)
            if let existing = symbols[valueName], existing.kind == .enumValue, existing.file == file {
                throw error(file: file, key,
                    "\"\(value.name)\" is already defined in \"\(scopeName)\". Note that enum values use C++ scoping rules, meaning that enum values are siblings of their type, not children of it. Therefore, \"\(value.name)\" must be unique within \"\(scopeName)\", not just within \"\(enumType.name)\".")
            }
            try define(valueName, .enumValue, file: file, key: key)
        }
    }

    private mutating func define(_ name: String, _ kind: SymbolKind, file: Int, key: String) throws(ProtoIDLError) {
        if let existing = symbols[name] {
            let otherFile = files[existing.file].descriptor.name
            let (scope, last) = Self.split(name)
            let message = existing.file == file
                ? "\"\(last)\" is already defined in \"\(scope.isEmpty ? files[file].descriptor.name : scope)\""
                : "\"\(name)\" is already defined in file \"\(otherFile)\""
            throw error(file: file, key, message)
        }
        symbols[name] = Symbol(kind: kind, file: file)
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
