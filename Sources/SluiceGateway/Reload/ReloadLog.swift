internal import Foundation

/// What the last reload did and how many succeeded or failed, for `/admin/config` (and the metrics to come).
public struct ReloadRecord: Sendable, Equatable {
    /// What asked for it: `admin` (`POST /admin/reload`), `signal` (SIGHUP), `api`.
    public let trigger: String
    /// Seconds since 1970, when it ended.
    public let at: Double
    /// Every problem of a refused configuration, as `file:line:col: message`; empty when it was installed.
    public let diagnostics: [String]
    /// The routes running after it (the old ones when it failed).
    public let routes: Int

    public var succeeded: Bool { diagnostics.isEmpty }

    public var timestamp: String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date(timeIntervalSince1970: at))
    }
}

/// The reloads a gateway has done.
struct ReloadLog: Sendable {
    var last: ReloadRecord?
    var succeeded = 0
    var failed = 0

    mutating func record(_ record: ReloadRecord) {
        last = record
        if record.succeeded { succeeded += 1 } else { failed += 1 }
    }
}
