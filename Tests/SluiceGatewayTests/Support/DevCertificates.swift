import Foundation

/// The certificates and keys `certs/make-dev-certs.sh` makes (ca, server, api, client; `.crt` and `.key`),
/// made once per test run into a temporary directory and kept as text, so no key is ever committed.
enum DevCertificates {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// File name (`ca.crt`) -> contents.
    static let files: Result<[String: String], Failure> = make()

    /// The named files, for a ``ConfigFixture``, under `directory`.
    static func fixtureFiles(_ names: [String], under directory: String) throws -> [String: String] {
        let files = try Self.files.get()
        var result: [String: String] = [:]
        for name in names {
            guard let text = files[name] else { throw Failure(description: "make-dev-certs.sh made no \(name)") }
            result[directory + "/" + name] = text
        }
        return result
    }

    private static func make() -> Result<[String: String], Failure> {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let script = repository.appendingPathComponent("certs/make-dev-certs.sh").path
        let directory = (NSTemporaryDirectory() as NSString).appendingPathComponent("sluice-certs-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [script, directory]
        process.standardOutput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return .failure(Failure(description: "cannot run \(script): \(error)"))
        }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            return .failure(Failure(description: "\(script) failed (exit \(process.terminationStatus)); is openssl installed?"))
        }
        var files: [String: String] = [:]
        for name in ["ca", "server", "api", "client"] {
            for suffix in [".crt", ".key"] {
                let path = (directory as NSString).appendingPathComponent(name + suffix)
                guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
                    return .failure(Failure(description: "\(script) did not write \(name + suffix)"))
                }
                files[name + suffix] = text
            }
        }
        return .success(files)
    }
}
