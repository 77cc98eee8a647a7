import Foundation

/// Reading IDL files from disk (only when loading, never on the request path).
enum IDLFileSystem {
    /// The file's bytes, or `nil` if there is no regular file at `path`.
    static func read(_ path: String) -> [UInt8]? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
            let data = FileManager.default.contents(atPath: path)
        else { return nil }
        return [UInt8](data)
    }
}
