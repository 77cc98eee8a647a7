/// Where IDL text comes from: the file system, or a caller's reader.
struct IDLSource {
    /// The bytes at `path`, or `nil` if there is no such file.
    var read: (String) -> [UInt8]?
    /// One name per file, however a path spells it (`a/../b.thrift`, symbolic links), so a file reached
    /// twice is loaded once and include cycles are seen.
    var identity: (String) -> String
}

/// One parsed file of a load, with how its includes map to other files.
struct IDLLoadedFile: Sendable {
    var path: String
    var document: IDLDocument
    /// Include stem (`shared`) to indexes in ``IDLLoader/files``: `include "b.thrift"` and
    /// `include "sub/b.thrift"` both answer to `b.`, as in Apache Thrift and thriftgo.
    var includes: [String: [Int]]
    /// Prefix of this file's names in the schema: `""` for the root file, `stem.` for included files.
    var qualifier: String
}

/// Reads the root file and, depth first, everything it includes; detects cycles and missing files.
///
/// An include is looked up relative to the including file's directory, then in each include directory in
/// order, as Apache Thrift does. A file included from several places is parsed once.
struct IDLLoader {
    private(set) var files: [IDLLoadedFile] = []
    private var indexByPath: [String: Int] = [:]
    /// Files whose includes are being loaded, outermost first: an include of one of them is a cycle.
    private var loading: [String] = []
    private let includeDirectories: [String]
    private let source: IDLSource

    init(includeDirectories: [String], source: IDLSource) {
        self.includeDirectories = includeDirectories
        self.source = source
    }

    /// Syntax errors (one per file at most: parsing a file stops at its first) and include errors. A file
    /// that does not parse is loaded as empty, so the other files are still checked.
    private(set) var errors: [ThriftIDLError] = []

    /// Loads the root document; afterwards the root is the last of ``files``.
    mutating func loadRoot(bytes: [UInt8], path: String) {
        _ = load(bytes: bytes, path: source.identity(path), displayPath: path, isRoot: true)
    }

    private mutating func load(bytes: [UInt8], path: String, displayPath: String, isRoot: Bool) -> Int {
        var document: IDLDocument
        do throws(ThriftIDLError) {
            document = try IDLParser.parse(bytes, file: displayPath)
        } catch {
            errors.append(error)
            document = IDLDocument(file: displayPath)
        }
        loading.append(path)
        var includes: [String: [Int]] = [:]
        for include in document.includes {
            do throws(ThriftIDLError) {
                let index = try resolve(include, from: displayPath)
                let stem = IDLPath.stem(of: files[index].path)
                if includes[stem]?.contains(index) != true { includes[stem, default: []].append(index) }
            } catch {
                errors.append(error)
            }
        }
        loading.removeLast()
        let qualifier = isRoot ? "" : IDLPath.stem(of: displayPath) + "."
        files.append(IDLLoadedFile(path: displayPath, document: document, includes: includes, qualifier: qualifier))
        indexByPath[path] = files.count - 1
        return files.count - 1
    }

    /// The file `include` names, loaded if it is new. Paths keep the includer's spelling (for messages);
    /// ``IDLSource/identity`` decides whether two spellings are one file.
    private mutating func resolve(_ include: IDLInclude, from includer: String) throws(ThriftIDLError) -> Int {
        var candidates = [IDLPath.join(IDLPath.directory(of: includer), include.path)]
        if !include.path.hasPrefix("/") {
            candidates += includeDirectories.map { IDLPath.join($0, include.path) }
        }
        for candidate in candidates {
            let identity = source.identity(candidate)
            if let cycleStart = loading.firstIndex(of: identity) {
                let chain = (loading[cycleStart...] + [identity]).map(IDLPath.fileName(of:))
                throw ThriftIDLError(
                    location: include.location, message: "include cycle \(chain.joined(separator: " -> "))")
            }
            if let index = indexByPath[identity] { return index }
            guard let bytes = source.read(candidate) else { continue }
            return load(bytes: bytes, path: identity, displayPath: candidate, isRoot: false)
        }
        let places = candidates.map { "'\(IDLPath.directory(of: $0).isEmpty ? "." : IDLPath.directory(of: $0))'" }
        throw ThriftIDLError(
            location: include.location,
            message: "cannot find included file '\(include.path)' (looked in \(places.joined(separator: ", ")))")
    }
}
