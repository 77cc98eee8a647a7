// Why hand-written: no maintained Swift package parses Thrift IDL at run time. Apache Thrift's compiler
// (C++) and Kitex's thriftgo (Go) generate code ahead of time; Sluice reads `.thrift` files when it loads
// its route files and drives the transcoder from the result, so it needs its own front end.
//
// Pipeline: IDLLexer (UTF-8 bytes -> tokens with positions) -> IDLParser (tokens -> IDLDocument, one per
// file) -> IDLLoader (includes, cycles) -> IDLResolver (names, typedefs, constants, method structs) ->
// ThriftSchema.

/// Loads Thrift IDL into a ``ThriftSchema``.
///
/// Names declared in the root file keep their names; names from included files are qualified by the
/// included file's stem (`shared.Base`), transitively. Failures are ``ThriftIDLError``s with positions.
public enum ThriftIDL {
    /// Loads `path` and everything it includes (relative to the including file, then each include dir).
    public static func load(path: String, includeDirectories: [String] = []) throws(ThriftIDLError) -> ThriftSchema {
        guard let bytes = IDLFileSystem.read(path) else {
            throw ThriftIDLError(
                location: SourceLocation(file: path, line: 1, column: 1), message: "cannot read IDL file '\(path)'")
        }
        return try build(bytes: bytes, path: path, includeDirectories: includeDirectories, source: IDLFileSystem.source)
    }

    /// Parses an in-memory document; its includes are read from disk, relative to `fileName`'s directory
    /// and then each include directory.
    public static func parse(
        source: String, fileName: String, includeDirectories: [String] = []
    ) throws(ThriftIDLError) -> ThriftSchema {
        try build(
            bytes: Array(source.utf8), path: fileName, includeDirectories: includeDirectories,
            source: IDLFileSystem.source)
    }

    /// Parses an in-memory document whose includes come from `readFile` (a path to its bytes, or `nil` when
    /// there is no such file), e.g. IDL held in memory or fetched from elsewhere.
    public static func parse(
        source: String, fileName: String, includeDirectories: [String] = [],
        readFile: @escaping (String) -> [UInt8]?
    ) throws(ThriftIDLError) -> ThriftSchema {
        try build(
            bytes: Array(source.utf8), path: fileName, includeDirectories: includeDirectories,
            source: IDLSource(read: readFile, identity: IDLPath.normalize))
    }

    /// Every error in `path` and its includes (empty when the IDL is valid): the first syntax error of each
    /// file and every include error; or, when all files parse, every semantic error, in source order.
    public static func diagnose(path: String, includeDirectories: [String] = []) -> [ThriftIDLError] {
        guard let bytes = IDLFileSystem.read(path) else {
            return [
                ThriftIDLError(
                    location: SourceLocation(file: path, line: 1, column: 1), message: "cannot read IDL file '\(path)'")
            ]
        }
        return compile(bytes: bytes, path: path, includeDirectories: includeDirectories, source: IDLFileSystem.source)
            .errors
    }

    private static func build(
        bytes: [UInt8], path: String, includeDirectories: [String], source: IDLSource
    ) throws(ThriftIDLError) -> ThriftSchema {
        let result = compile(bytes: bytes, path: path, includeDirectories: includeDirectories, source: source)
        if let first = result.errors.first { throw first }
        guard let schema = result.schema else {
            // compile returns a schema whenever it returns no error; keep the invariant visible, not trapping.
            throw ThriftIDLError(
                location: SourceLocation(file: path, line: 1, column: 1), message: "internal error: no schema")
        }
        return schema
    }

    private static func compile(
        bytes: [UInt8], path: String, includeDirectories: [String], source: IDLSource
    ) -> (schema: ThriftSchema?, errors: [ThriftIDLError]) {
        var loader = IDLLoader(includeDirectories: includeDirectories, source: source)
        loader.loadRoot(bytes: bytes, path: path)
        // Resolving names across files that failed to load would only repeat those failures.
        if !loader.errors.isEmpty { return (nil, loader.errors) }
        var resolver = IDLResolver(files: loader.files)
        let schema = resolver.resolve()
        let errors = resolver.sortedErrors
        return errors.isEmpty ? (schema, []) : (nil, errors)
    }
}
