import SwiftProtobuf

/// One load: files by import name, in dependency order, with cycle detection.
struct ProtoLoadSession {
    let importPaths: [String]
    let source: ProtoFileSource
    /// Files already in descriptor form (a descriptor set), by name.
    var provided: [String: ProtoParsedFile] = [:]
    var files: [ProtoParsedFile] = []
    var loaded: Set<String> = []
    var loading: [String] = []

    init(importPaths: [String], source: ProtoFileSource) {
        self.importPaths = importPaths
        self.source = source
    }

    mutating func load(name: String, path: String, bytes: [UInt8]?, importedAt: ProtoSourceLocation?) throws(ProtoIDLError) {
        if loaded.contains(name) { return }
        if let start = loading.firstIndex(of: name) {
            let chain = (loading[start...] + [name]).joined(separator: " -> ")
            throw ProtoIDLError(
                location: importedAt ?? ProtoSourceLocation(file: path, line: 0, column: 0),
                message: "file recursively imports itself: \(chain)")
        }
        let parsed: ProtoParsedFile
        if let given = provided[name] {
            parsed = given
        } else if let bytes {
            parsed = try ProtoParser.parse(bytes, file: path, name: name)
        } else {
            parsed = try find(name, importedAt: importedAt)
        }
        loading.append(name)
        for (position, dependency) in parsed.descriptor.dependency.enumerated() {
            let at = parsed.importLocations.indices.contains(position)
                ? parsed.importLocations[position] : ProtoSourceLocation(file: parsed.path, line: 0, column: 0)
            try load(name: dependency, path: parsed.path, bytes: nil, importedAt: at)
        }
        loading.removeLast()
        loaded.insert(name)
        files.append(parsed)
    }

    private func find(_ name: String, importedAt: ProtoSourceLocation?) throws(ProtoIDLError) -> ProtoParsedFile {
        for directory in importPaths {
            let path = ProtoPath.join(directory, name)
            if let bytes = source.read(path) { return try ProtoParser.parse(bytes, file: path, name: name) }
        }
        if let text = WellKnownProtos.byName[name] {
            return try ProtoParser.parse(Array(text.utf8), file: "<embedded>/" + name, name: name)
        }
        let places = importPaths.isEmpty ? "no import paths" : importPaths.map { "'\($0)'" }.joined(separator: ", ")
        throw ProtoIDLError(
            location: importedAt ?? ProtoSourceLocation(file: name, line: 0, column: 0),
            message: "import \"\(name)\" was not found (looked in \(places) and the embedded well-known files)")
    }

    /// Links everything loaded (plus descriptor.proto, which standard options are read against) and returns
    /// the loaded files, dependencies first.
    mutating func link() throws(ProtoIDLError) -> [Google_Protobuf_FileDescriptorProto] {
        var all = files
        if !loaded.contains(ProtoLoader.descriptorProtoName) {
            var helper = ProtoLoadSession(importPaths: importPaths, source: source)
            try helper.load(name: ProtoLoader.descriptorProtoName, path: ProtoLoader.descriptorProtoName, bytes: nil, importedAt: nil)
            all = helper.files + all
        }
        if let descriptorProto = all.first(where: { $0.descriptor.name == ProtoLoader.descriptorProtoName }),
            !descriptorProto.descriptor.messageType.contains(where: { $0.name == "FeatureSet" })
        {
            let supplement = try ProtoParser.parse(
                Array(WellKnownProtos.supplement.utf8), file: "<embedded>/" + WellKnownProtos.supplementName,
                name: WellKnownProtos.supplementName)
            all.insert(supplement, at: 0)
        }
        let linked = try ProtoLinker.link(all)
        return linked.filter { loaded.contains($0.name) }
    }
}
