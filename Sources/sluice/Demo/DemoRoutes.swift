import Foundation

/// routes/ as the demo gateway loads it when its backend is not where the route files say (`--backend`
/// with another address, or port 0 in tests): a copy of each route file with every endpoint pointed at the
/// demo backend and each `idl:` path made absolute, so the copy works from a temporary directory.
///
/// Line-based on purpose: it only has to understand the files in routes/, which this repository owns and
/// which write `endpoints:` and `idl:` on one line each.
enum DemoRoutes {
    /// The address routes/ points at.
    static let defaultBackend = HostPort(host: "127.0.0.1", port: 9090)

    /// A temporary routes directory aimed at `backend`, or `directory` itself when nothing needs rewriting.
    static func aimed(at backend: HostPort, directory: String) throws -> String {
        if backend == defaultBackend { return directory }
        let fileManager = FileManager.default
        let source = URL(fileURLWithPath: directory, isDirectory: true).standardizedFileURL
        let target = fileManager.temporaryDirectory.appendingPathComponent("sluice-demo-routes-\(getpid())")
        try? fileManager.removeItem(at: target)
        try fileManager.createDirectory(at: target, withIntermediateDirectories: true)
        for name in try fileManager.contentsOfDirectory(atPath: source.path) where name.hasSuffix(".yaml") {
            let text = try String(contentsOf: source.appendingPathComponent(name), encoding: .utf8)
            let rewritten = text.split(separator: "\n", omittingEmptySubsequences: false)
                .map { rewrite(String($0), base: source, backend: backend) }
                .joined(separator: "\n")
            try rewritten.write(to: target.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        return target.path
    }

    static func remove(_ directory: String) {
        try? FileManager.default.removeItem(atPath: directory)
    }

    private static func rewrite(_ line: String, base: URL, backend: HostPort) -> String {
        let indent = line.prefix { $0 == " " }
        let content = line.dropFirst(indent.count)
        if content.hasPrefix("endpoints:") {
            return "\(indent)endpoints: [\"\(backend)\"]"
        }
        if content.hasPrefix("idl:") {
            var path = content.dropFirst("idl:".count).trimmingCharacters(in: .whitespaces)
            if let comment = path.range(of: " #") { path = String(path[..<comment.lowerBound]) }
            let absolute = path.hasPrefix("/") ? path : base.appendingPathComponent(path).standardizedFileURL.path
            return "\(indent)idl: \(absolute)"
        }
        return line
    }
}
