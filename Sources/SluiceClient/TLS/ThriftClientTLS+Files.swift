internal import Foundation
public import NIOSSL

/// Why certificate or key files cannot be used, as a sentence naming the file (or saying what does not fit).
public struct TLSFileError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String

    public init(message: String) { self.message = message }

    public var description: String { message }
}

extension ThriftClientTLS {
    /// Every PEM certificate in the file at `path` (a CA bundle, or a chain leaf first); at least one.
    public static func certificates(pemFile path: String) throws(TLSFileError) -> [NIOSSLCertificate] {
        let bytes = try contents(of: path)
        guard let certificates = try? NIOSSLCertificate.fromPEMBytes(bytes), !certificates.isEmpty else {
            throw TLSFileError(message: "'\(path)' holds no PEM certificate")
        }
        return certificates
    }

    /// The unencrypted PEM private key in the file at `path`.
    public static func privateKey(pemFile path: String) throws(TLSFileError) -> NIOSSLPrivateKey {
        let bytes = try contents(of: path)
        guard let key = try? NIOSSLPrivateKey(bytes: bytes, format: .pem) else {
            throw TLSFileError(message: "'\(path)' holds no unencrypted PEM private key")
        }
        return key
    }

    private static func contents(of path: String) throws(TLSFileError) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TLSFileError(message: "cannot read '\(path)'")
        }
        return Array(data)
    }
}
