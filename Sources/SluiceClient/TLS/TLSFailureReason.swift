internal import NIOSSL

/// A TLS failure in words an operator acts on, followed by BoringSSL's own text for the details.
package enum TLSFailureReason {
    /// - Parameter expectedName: the name (or IP address) the certificate had to carry, when known.
    package static func describe(_ error: any Error, expectedName: String? = nil) -> String {
        if let error = error as? NIOSSLExtraError, error == .failedToValidateHostname {
            let name = expectedName.map { "'\($0)'" } ?? "the expected name"
            return "certificate name mismatch: the backend's certificate does not name \(name)"
        }
        let text = "\(error)"
        for (code, meaning) in reasons where text.contains(code) {
            return "\(meaning) (\(text))"
        }
        return text
    }

    /// BoringSSL reason codes, as they appear in its error strings.
    private static let reasons: [(code: String, meaning: String)] = [
        ("CERTIFICATE_VERIFY_FAILED", "certificate verify failed: the backend's certificate is not signed by a trusted CA, or is expired"),
        ("CERTIFICATE_REQUIRED", "the backend requires a client certificate"),
        ("ALERT_UNKNOWN_CA", "the backend does not trust the client certificate's CA"),
        ("ALERT_BAD_CERTIFICATE", "the backend rejected the client certificate"),
        ("ALERT_HANDSHAKE_FAILURE", "the backend refused the handshake (no common cipher or protocol, or a client certificate it wants)"),
        ("WRONG_VERSION_NUMBER", "the backend does not speak TLS on this port"),
    ]
}
