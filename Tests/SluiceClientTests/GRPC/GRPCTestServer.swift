import Foundation
import NIOSSL
import SluiceClient

/// The Python grpcio peer (`Tests/Integration/servers/grpc_test_server.py`), started once per test run on
/// 127.0.0.1 with free ports; it exits when this process does (its stdin closes).
enum GRPCTestServer {
    struct Ports: Sendable {
        var plain: Int
        var tls: Int
        var limited: Int
        /// Trusts the development CA that signed the TLS server's certificate (for `localhost`, 127.0.0.1).
        var trust: ThriftClientTLS
    }

    /// `certs/make-dev-certs.sh`'s CA, and the server certificate and key it signed, as PEM text.
    struct Certificates: Sendable {
        var ca: String
        var serverCertificate: String
        var serverKey: String
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static let service = "/sluice.test.Test/"

    /// Runs when python3 has grpcio, and always under CI, where a missing grpcio fails the tests rather than
    /// skipping them.
    static let isEnabled: Bool = ProcessInfo.processInfo.environment["CI"] != nil || hasGRPCIO()

    static let shared: Result<Ports, Failure> = start()

    static func ports() throws -> Ports { try shared.get() }

    private static func hasGRPCIO() -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import grpc"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }

    /// Kept for the life of the test process: closing it (at exit) stops the server.
    nonisolated(unsafe) private static var input: Pipe?

    static let certificates: Result<Certificates, Failure> = makeCertificates()

    private static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    private static func makeCertificates() -> Result<Certificates, Failure> {
        let directory = (NSTemporaryDirectory() as NSString).appendingPathComponent("sluice-grpc-certs-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let make = Process()
        make.executableURL = URL(fileURLWithPath: "/bin/bash")
        make.arguments = [repository.appendingPathComponent("certs/make-dev-certs.sh").path, directory]
        make.standardOutput = FileHandle.nullDevice
        guard (try? make.run()) != nil else { return .failure(Failure(description: "cannot run make-dev-certs.sh")) }
        make.waitUntilExit()
        func read(_ name: String) -> String? {
            FileManager.default.contents(atPath: directory + "/" + name).map { String(decoding: $0, as: UTF8.self) }
        }
        guard make.terminationStatus == 0, let ca = read("ca.crt"), let certificate = read("server.crt"),
            let key = read("server.key")
        else { return .failure(Failure(description: "make-dev-certs.sh failed; is openssl installed?")) }
        return .success(Certificates(ca: ca, serverCertificate: certificate, serverKey: key))
    }

    private static func start() -> Result<Ports, Failure> {
        let certificates: Certificates
        do { certificates = try Self.certificates.get() } catch { return .failure(error) }
        // The server reads its certificate and key at start; they are deleted once it serves.
        let directory = (NSTemporaryDirectory() as NSString).appendingPathComponent("sluice-grpc-server-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try Data(certificates.serverCertificate.utf8).write(to: URL(fileURLWithPath: directory + "/server.crt"))
            try Data(certificates.serverKey.utf8).write(to: URL(fileURLWithPath: directory + "/server.key"))
        } catch {
            return .failure(Failure(description: "cannot write the server's certificate: \(error)"))
        }
        guard let trustRoots = try? NIOSSLCertificate.fromPEMBytes(Array(certificates.ca.utf8)) else {
            return .failure(Failure(description: "make-dev-certs.sh wrote no CA certificate"))
        }

        let server = Process()
        server.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        server.arguments = [
            "python3", repository.appendingPathComponent("Tests/Integration/servers/grpc_test_server.py").path,
            "--cert", directory + "/server.crt", "--key", directory + "/server.key",
        ]
        let output = Pipe()
        let errors = Pipe()
        let input = Pipe()
        server.standardOutput = output
        server.standardError = errors
        server.standardInput = input
        do {
            try server.run()
        } catch {
            return .failure(Failure(description: "cannot start python3: \(error)"))
        }
        Self.input = input
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line += chunk
        }
        let words = String(decoding: line, as: UTF8.self).split(whereSeparator: \.isWhitespace)
        guard words.count == 4, words[0] == "PORTS", let plain = Int(words[1]), let tls = Int(words[2]),
            let limited = Int(words[3])
        else {
            let message = String(decoding: errors.fileHandleForReading.availableData, as: UTF8.self)
            return .failure(Failure(description: "the grpcio test server did not start: \(message)"))
        }
        return .success(Ports(plain: plain, tls: tls, limited: limited, trust: ThriftClientTLS(trustRoots: trustRoots)))
    }
}
