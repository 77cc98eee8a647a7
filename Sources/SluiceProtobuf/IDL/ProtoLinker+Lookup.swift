import SwiftProtobuf

/// Name lookup by protobuf's scoping rules, as protoc's `LookupSymbol`: the innermost scope first, then
/// outwards; a dotted name's first part picks the scope and the rest must be inside it; a leading `.`
/// means fully qualified. Only symbols of files visible from `file` count.
extension ProtoLinker {
    enum LookupResult {
        case found(String, Symbol)
        case notFound(String)
    }

    /// Looks `name` up from `relativeTo` (an element's full name: the search starts in its parent).
    func lookup(_ name: String, relativeTo: String, file: Int, typesOnly: Bool) -> LookupResult {
        var undeclaredIn: Int?
        func find(_ fullName: String) -> Symbol? {
            guard let symbol = symbols[fullName] else { return nil }
            if symbol.kind == .package {
                if packageFiles[fullName, default: []].isDisjoint(with: visible[file]) {
                    undeclaredIn = symbol.file
                    return nil
                }
                return symbol
            }
            guard visible[file].contains(symbol.file) else {
                undeclaredIn = symbol.file
                return nil
            }
            return symbol
        }
        func notFound(_ defaultMessage: String) -> LookupResult {
            if let undeclaredIn {
                return .notFound(
                    "\"\(name)\" seems to be defined in \"\(files[undeclaredIn].descriptor.name)\", which is not imported by \"\(files[file].descriptor.name)\". To use it here, please add the necessary import."
                )
            }
            return .notFound(defaultMessage)
        }
        if name.hasPrefix(".") {
            let fullName = String(name.dropFirst())
            if let symbol = find(fullName) { return .found(fullName, symbol) }
            return notFound("\"\(name)\" is not defined.")
        }
        let firstPart = name.split(separator: ".", maxSplits: 1).first.map(String.init) ?? name
        let isCompound = firstPart.count < name.count
        var scope = relativeTo
        while true {
            let candidate: String
            if let dot = scope.lastIndex(of: ".") {
                scope = String(scope[..<dot])
                candidate = scope + "." + firstPart
            } else if scope.isEmpty {
                return notFound("\"\(name)\" is not defined.")
            } else {
                scope = ""
                candidate = firstPart
            }
            if let symbol = find(candidate) {
                if isCompound {
                    if [.message, .package, .enumType, .service].contains(symbol.kind) {
                        let fullName = (scope.isEmpty ? "" : scope + ".") + name
                        if let inner = find(fullName) { return .found(fullName, inner) }
                        return notFound(
                            "\"\(name)\" is resolved to \"\(fullName)\", which is not defined. The innermost scope is searched first in name resolution. Consider using a leading '.'(i.e., \".\(name)\") to start from the outermost scope."
                        )
                    }
                } else if !typesOnly || symbol.kind == .message || symbol.kind == .enumType {
                    return .found(candidate, symbol)
                }
            }
            if scope.isEmpty { return notFound("\"\(name)\" is not defined.") }
        }
    }
}
