import Foundation

/// Reading IDL files from disk (only when loading, never on the request path).
enum IDLFileSystem {
    static var source: IDLSource { IDLSource(read: read, identity: canonicalPath) }

    /// The absolute path with symbolic links resolved, so two spellings of one file compare equal.
    static func canonicalPath(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    }

    /// The file's bytes, or `nil` if there is no regular file at `path`.
    static func read(_ path: String) -> [UInt8]? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
            let data = FileManager.default.contents(atPath: path)
        else { return nil }
        return [UInt8](data)
    }
}
