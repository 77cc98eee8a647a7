internal import Foundation
internal import Logging
internal import NIOCore
internal import Synchronization

/// What operators reach the running gateway through: its admin listener and recorded reloads.
extension Gateway {
    /// Binds the admin listener. A default address that is taken is skipped with a warning; a chosen one
    /// that cannot be bound fails the start, as a traffic listener's would.
    func startAdmin(_ settings: AdminSettings) async throws {
        if let problem = settings.problem { throw ListenerSetupError(address: settings.address, message: problem) }
        let api = AdminAPI(gateway: self, settings: settings)
        do {
            let channel: any Channel
            do {
                channel = try await AdminServer.bind(settings.address, api: api, group: group).get()
            } catch {
                throw ListenerSetupError(address: settings.address, message: "the admin listener cannot listen (\(error))")
            }
            adminChannel.withLock { $0 = channel }
            logger.info("admin listening", metadata: ["address": "\(ListenAddress(host: settings.address.host, port: adminPort ?? 0))"])
        } catch where settings.isDefault {
            logger.warning(
                "no admin listener: the default admin address is taken; set 'admin: {address: ...}' or 'admin: off'",
                metadata: ["address": "\(settings.address)", "error": "\(error)"])
        }
    }

    /// The admin listener's port (the chosen one for port 0); nil without one.
    public var adminPort: Int? { adminChannel.withLock { $0?.localAddress?.port } }

    /// The last reload and the counts of reloads that succeeded and failed.
    var reloadLog: ReloadLog { reloads.withLock { $0 } }

    /// Reloads, recording and logging the outcome (each problem as `file:line:col: message`), for SIGHUP and
    /// `POST /admin/reload`; a refused configuration leaves the running one in place.
    @discardableResult
    public func reload(trigger: String) async -> ReloadRecord {
        // A rotated access log (moved by logrotate, which then sends SIGHUP) is replaced by a new file.
        for log in accessLogs { log.reopen() }
        var diagnostics: [String] = []
        do {
            try await reload()
        } catch {
            diagnostics = error.diagnostics.map(\.description)
            for line in diagnostics { logger.error("reload refused: \(line)") }
        }
        let record = ReloadRecord(
            trigger: trigger, at: Date().timeIntervalSince1970, diagnostics: diagnostics, routes: state.current.routes.count)
        reloads.withLock { $0.record(record) }
        state.current.metrics?.reloaded(succeeded: record.succeeded)
        return record
    }
}
