public import NIOCore

/// How the gateway notices its files change (`watch:` in the gateway config, `sluice run --watch`).
public struct WatchSettings: Sendable, Hashable {
    /// How often the files are looked at where inotify is not available; with it, ten times this (a fallback:
    /// inotify wakes the watcher as soon as they change).
    public var interval: TimeAmount
    /// How long they must stay unchanged before they are read: an editor or `cp` writing a file in place passes
    /// through empty and partial states, and a reload should see the file once, whole.
    public var quiet: TimeAmount

    public init(interval: TimeAmount = .milliseconds(500), quiet: TimeAmount = .milliseconds(300)) {
        self.interval = interval
        self.quiet = quiet
    }
}
