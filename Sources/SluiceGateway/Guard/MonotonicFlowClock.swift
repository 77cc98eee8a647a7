internal import NIOCore
internal import SluiceFlow

/// Flow control's clock on the request path: milliseconds of the monotonic clock the event loops use
/// (Sentinel's windows need only a steady millisecond count, not the wall time). Tests inject a
/// ``ManualFlowClock`` instead.
struct MonotonicFlowClock: FlowClock {
    func nowMillis() -> Int64 { Int64(NIODeadline.now().uptimeNanoseconds / 1_000_000) }
}
