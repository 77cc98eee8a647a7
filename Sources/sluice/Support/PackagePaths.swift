import Foundation

/// Finds the repository's `examples/` and `routes/` folders: in the current directory first, then in the
/// package root that contains the running executable (`<root>/.build/<triple>/debug/sluice`), so
/// `swift run sluice demo` and a binary started from elsewhere both find them.
enum PackagePaths {
    static func locate(_ folder: String) -> String? {
        let fileManager = FileManager.default
        var isDirectory: ObjCBool = false
        let local = URL(fileURLWithPath: fileManager.currentDirectoryPath).appendingPathComponent(folder)
        if fileManager.fileExists(atPath: local.path, isDirectory: &isDirectory), isDirectory.boolValue {
            return folder
        }
        guard let root = packageRoot() else { return nil }
        let candidate = root.appendingPathComponent(folder)
        if fileManager.fileExists(atPath: candidate.path, isDirectory: &isDirectory), isDirectory.boolValue {
            return candidate.path
        }
        return nil
    }

    /// The nearest ancestor of the executable that holds `Package.swift`.
    static func packageRoot() -> URL? {
        // Bundle.main knows the real path even when the binary was found through PATH (argv[0] is then bare).
        let executable = (Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0]))
            .resolvingSymlinksInPath()
        var directory = executable.deletingLastPathComponent()
        for _ in 0..<8 {
            if FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path) {
                return directory
            }
            let parent = directory.deletingLastPathComponent()
            if parent.path == directory.path { break }
            directory = parent
        }
        return nil
    }
}
