// Hand-written: no well-kept Swift package watches etcd (let alone Kitex's registry layout) or re-resolves DNS
// for a client, so discovery is a small protocol here with one source per backend kind.

/// Where a service's endpoints come from: a fixed list, DNS, or a registry such as etcd (Consul and Nacos
/// later, behind the same protocol).
///
/// A source delivers the *whole* current set to `onChange` each time it changes (the first set included),
/// sorted by address and without duplicates; a consumer diffs consecutive sets with ``EndpointSetDiff``. Calls
/// to `onChange` are serial (never concurrent) and come from the source's own task, off every request path.
///
/// A failure (an unreachable resolver or registry) never replaces the last delivered set: the source logs it
/// and tries again with capped backoff (``DiscoveryBackoff``), so a lost registry leaves the service running
/// on what it knew.
///
/// Sources run on Swift concurrency: each is one task that sleeps between polls or awaits its watch stream,
/// so `stop()` is a cancellation plus a wait for that task, and nothing (timer, channel, thread) outlives it.
/// Their I/O still happens on NIO (the etcd connection on an event loop, `getaddrinfo` on `NIOThreadPool`).
public protocol EndpointSource: Sendable {
    /// Starts watching; a second call does nothing.
    func start(onChange: @escaping @Sendable ([WeightedEndpoint]) -> Void)

    /// Stops watching and returns once the source's task has ended: `onChange` is not called afterwards.
    func stop() async
}
