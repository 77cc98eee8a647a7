import Foundation

/// Where `.proto` text and descriptor sets come from: the file system, or a caller's reader (tests keep
/// files in memory). Only used while loading, never on the request path.
public struct ProtoFileSource: Sendable {
    /// The bytes at `path`, or `nil` if there is no regular file there.
    public var read: @Sendable (String) -> [UInt8]?

    public init(read: @escaping @Sendable (String) -> [UInt8]?) {
        self.read = read
    }

    public static let fileSystem = ProtoFileSource { path in
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
            let data = FileManager.default.contents(atPath: path)
        else { return nil }
        return [UInt8](data)
    }

    /// Files held in memory, by path.
    public static func inMemory(_ files: [String: String]) -> ProtoFileSource {
        ProtoFileSource { files[ProtoPath.normalize($0)].map { Array($0.utf8) } }
    }
}

/// `/`-separated path arithmetic, the same on every platform.
enum ProtoPath {
    static func join(_ directory: String, _ relative: String) -> String {
        if relative.hasPrefix("/") || directory.isEmpty || directory == "." { return normalize(relative) }
        return normalize(directory + "/" + relative)
    }

    /// Drops `.` components and folds `dir/..`.
    static func normalize(_ path: String) -> String {
        let absolute = path.hasPrefix("/")
        var parts: [Substring] = []
        for component in path.split(separator: "/") where component != "." {
            if component == "..", let last = parts.last, last != ".." {
                parts.removeLast()
            } else if !(component == ".." && absolute) {
                parts.append(component)
            }
        }
        let joined = parts.joined(separator: "/")
        return absolute ? "/" + joined : (joined.isEmpty ? "." : joined)
    }

    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}
