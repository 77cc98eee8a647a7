internal import Foundation
internal import SluiceFlow

/// `/admin/flow`: each flow-control resource's last minute second by second (pass, block, success,
/// exception, average and least RT), its calls in flight and its breakers' states, as Sentinel's dashboard
/// charts them; and the same for all inbound traffic, which system rules read.
enum AdminFlowView {
    static func json(_ flow: FlowRuntime) -> AdminJSON {
        let now = flow.clock.nowMillis()
        // The engine counts on the monotonic clock; a chart wants the wall clock.
        let offset = Int64(Date().timeIntervalSince1970 * 1000) - now
        // Resources no rule watches never see a call (the guard skips them): listing them would be noise.
        let resources = flow.engine.allResources.filter(\.isWatched).map { resource -> AdminJSON in
            .object([
                ("resource", .string(resource.name)),
                ("inbound", .bool(resource.isInbound)),
                ("concurrency", .int(Int(resource.node.lastMinute(at: now).inFlight))),
                ("seconds", seconds(resource.node, now: now, offset: offset)),
                (
                    "breakers",
                    .array(
                        resource.breakerStates.map { breaker in
                            .object([("strategy", .string(strategy(breaker.rule.grade))), ("state", .string(state(breaker.state)))])
                        })
                ),
            ])
        }
        return .object([
            ("now", .int(Int(now + offset))),
            ("inbound", .object([("seconds", seconds(flow.engine.inbound, now: now, offset: offset))])),
            ("resources", .array(resources)),
        ])
    }

    /// The 60 seconds up to now's, oldest first, quiet ones as zeros (a chart's x axis has no gaps).
    private static func seconds(_ node: StatisticNode, now: Int64, offset: Int64) -> AdminJSON {
        let recorded = Dictionary(node.lastMinute(at: now).seconds.map { ($0.start, $0.bucket) }, uniquingKeysWith: { a, _ in a })
        let times = node.lastMinuteRT(at: now)
        let current = now - now % 1000
        return .array(
            (0..<60).reversed().map { back -> AdminJSON in
                let start = current - Int64(back) * 1000
                let bucket = recorded[start] ?? MetricBucket()
                return .object([
                    ("t", .int(Int(start + offset))),
                    ("pass", .int(Int(bucket.pass))), ("block", .int(Int(bucket.block))),
                    ("success", .int(Int(bucket.success))), ("exception", .int(Int(bucket.exception))),
                    ("avg_rt_ms", bucket.success == 0 ? .null : .double(Double(bucket.rt) / Double(bucket.success))),
                    ("min_rt_ms", bucket.success == 0 ? .null : .int(Int(bucket.minRt))),
                    ("p99_rt_ms", bucket.success == 0 ? .null : times[start]?.percentile(0.99).map { .int(Int($0)) } ?? .null),
                ])
            })
    }

    static func strategy(_ grade: DegradeGrade) -> String {
        switch grade {
        case .slowRequestRatio: "slow_ratio"
        case .errorRatio: "error_ratio"
        case .errorCount: "error_count"
        }
    }

    static func state(_ state: CircuitBreakerState) -> String {
        switch state {
        case .closed: "closed"
        case .open: "open"
        case .halfOpen: "half_open"
        }
    }
}
