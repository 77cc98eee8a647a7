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
