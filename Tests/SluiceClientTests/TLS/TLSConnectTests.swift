import Foundation
import Logging
import NIOCore
import NIOPosix
import SluiceThrift
import Testing
@testable import SluiceClient

/// A TLS handshake that does not finish is a connect failure of the call, never a request sent in the clear.
@Suite("TLS connects")
struct TLSConnectTests {
    /// Accepts connections and reads whatever arrives; `closeOnData` closes a connection at its first bytes.
    static func withServer(
        closeOnData: Bool,
        _ body: (Int, any EventLoopGroup) async throws -> Void
    ) async throws {
        try await RawPeer.serve(closeOnData: closeOnData, body)
    }

    static func call(port: Int, transport: ThriftTransportKind, group: any EventLoopGroup) async -> ClientError? {
        var configuration = ThriftClientConfiguration(
            endpoints: [Endpoint(host: "127.0.0.1", port: port)], transport: transport, serviceName: "S",
            tls: ThriftClientTLS(verifiesCertificates: false))
        configuration.connectTimeout = .milliseconds(300)
        let client = ThriftClient(configuration: configuration, eventLoopGroup: group, logger: Logger(label: "t"))
        var failure: ClientError?
        do {
            _ = try await client.call(
                method: "m", oneway: false, arguments: ByteBuffer(), timeout: .seconds(10), on: group.next()
            ).get()
        } catch {
            failure = error as? ClientError
        }
        await client.shutdown()
        return failure
    }

    @Test("a handshake the backend never answers fails with connectTimeout", arguments: [
        ThriftTransportKind.ttheader, .framed,
    ])
    func handshakeTimeout(transport: ThriftTransportKind) async throws {
        try await Self.withServer(closeOnData: false) { port, group in
            let error = await Self.call(port: port, transport: transport, group: group)
            #expect(error?.kind == .connectTimeout)
            #expect(error?.message.contains("TLS handshake with 127.0.0.1:\(port) did not finish within 300 ms") == true)
        }
    }

    @Test("a backend that hangs up on the ClientHello fails the call with connectFailed", arguments: [
        ThriftTransportKind.theader, .buffered,
    ])
    func closedDuringHandshake(transport: ThriftTransportKind) async throws {
        try await Self.withServer(closeOnData: true) { port, group in
            let error = await Self.call(port: port, transport: transport, group: group)
            #expect(error?.kind == .connectFailed)
            #expect(error?.message.contains("127.0.0.1:\(port)") == true)
            #expect(error?.message.contains("TLS handshake") == true)
        }
    }

    @Test("the server name: the configured one, else a DNS host, never an IP literal")
    func serverHostname() {
        let tls = ThriftClientTLS()
        #expect(tls.serverHostname(for: Endpoint(host: "backend.example.test", port: 1)) == "backend.example.test")
        #expect(tls.serverHostname(for: Endpoint(host: "127.0.0.1", port: 1)) == nil)
        #expect(tls.serverHostname(for: Endpoint(host: "::1", port: 1)) == nil)
        let named = ThriftClientTLS(serverName: "api.example.test")
        #expect(named.serverHostname(for: Endpoint(host: "127.0.0.1", port: 1)) == "api.example.test")
    }

    @Test("certificate and key files: unreadable and non-PEM files name the file")
    func fileErrors() throws {
        let missing = "/nonexistent/sluice-\(UUID().uuidString).crt"
        #expect(throws: TLSFileError(message: "cannot read '\(missing)'")) {
            try ThriftClientTLS.certificates(pemFile: missing)
        }
        let junk = NSTemporaryDirectory() + "sluice-junk-\(UUID().uuidString).pem"
        try Data("not a certificate\n".utf8).write(to: URL(fileURLWithPath: junk))
        defer { try? FileManager.default.removeItem(atPath: junk) }
        #expect(throws: TLSFileError(message: "'\(junk)' holds no PEM certificate")) {
            try ThriftClientTLS.certificates(pemFile: junk)
        }
        #expect(throws: TLSFileError(message: "'\(junk)' holds no unencrypted PEM private key")) {
            try ThriftClientTLS.privateKey(pemFile: junk)
        }
    }
}
