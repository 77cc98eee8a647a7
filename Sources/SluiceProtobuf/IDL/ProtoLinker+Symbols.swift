import SwiftProtobuf

/// The load's symbol table: every package, message, enum, enum value, field, oneof, service and method by
/// full name, with the file defining it; and which files each file may see.
extension ProtoLinker {
    mutating func computeVisibility() throws(ProtoIDLError) {
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
                    throw ProtoIDLError(
                        location: file.importLocations.indices.contains(position)
                            ? file.importLocations[position] : location(file: index, ProtoElementKey.file),
                        message: "import \"\(dependency)\" was not found or had errors")
                }
                direct.formUnion(publicClosure[target])
                if file.descriptor.publicDependency.contains(Int32(position)) { exported.formUnion(publicClosure[target]) }
            }
            publicClosure.append(exported)
            visible.append(direct)
        }
    }

    mutating func addSymbols(file index: Int) throws(ProtoIDLError) {
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
}
