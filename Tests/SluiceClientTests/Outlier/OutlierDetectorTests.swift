import NIOCore
import Testing

@testable import SluiceClient

@Suite("Outlier detector")
struct OutlierDetectorTests {
    static let t0 = NIODeadline.uptimeNanoseconds(1_000_000_000)
    static let failed = AttemptOutcome.failure(AttemptFailure(.connectFailure, requestWritten: false))

    static func detector(_ count: Int, percent: Int = 100, _ configure: (inout OutlierPolicy) -> Void = { _ in })
        -> OutlierDetector
    {
        var policy = OutlierPolicy(maxEjectionPercent: percent)
        configure(&policy)
        return OutlierDetector(policy: policy, endpointCount: count)
    }

    /// Reports `n` failures on `index`; returns every event.
    static func fail(_ detector: inout OutlierDetector, _ index: Int, times n: Int = 5, at now: NIODeadline = t0)
        -> [OutlierEvent]
    {
        (0..<n).flatMap { _ in detector.report(failed, endpoint: index, now: now) }
    }

    @Test("five failures in a row eject for the base time; a success in between resets the run")
    func consecutive() {
        var detector = Self.detector(2)
        #expect(Self.fail(&detector, 0, times: 4).isEmpty)
        #expect(detector.report(.success, endpoint: 0, now: Self.t0).isEmpty)
        #expect(Self.fail(&detector, 0, times: 4).isEmpty)
        #expect(
            detector.report(Self.failed, endpoint: 0, now: Self.t0) == [
                .ejected(index: 0, until: Self.t0 + .seconds(30))
            ])
        #expect(detector.isEjected(0) && !detector.isEjected(1))
        #expect(detector.ejectedCount == 1)
    }

    @Test("declared exceptions and 4xx are answers, not endpoint failures")
    func notFailures() {
        var detector = Self.detector(2)
        let busy = AttemptOutcome.failure(AttemptFailure(.exception("Busy"), requestWritten: true))
        let notFound = AttemptOutcome.failure(AttemptFailure(.http(404), requestWritten: true))
        for _ in 0..<10 {
            #expect(detector.report(busy, endpoint: 0, now: Self.t0).isEmpty)
            #expect(detector.report(notFound, endpoint: 0, now: Self.t0).isEmpty)
        }
        let unavailable = AttemptOutcome.failure(AttemptFailure(.grpc(14), requestWritten: true))
        let events = (0..<5).flatMap { _ in detector.report(unavailable, endpoint: 1, now: Self.t0) }
        #expect(events.count == 1)
    }

    @Test("restored when the time has passed, on the next report or tick")
    func restore() {
        var detector = Self.detector(2)
        _ = Self.fail(&detector, 0)
        #expect(detector.report(.success, endpoint: 1, now: Self.t0 + .seconds(29)).isEmpty)
        #expect(detector.report(.success, endpoint: 1, now: Self.t0 + .seconds(30)) == [.restored(index: 0)])
        #expect(!detector.isEjected(0) && detector.ejectedCount == 0)

        var ticked = Self.detector(2)
        _ = Self.fail(&ticked, 1)
        #expect(ticked.evaluate(now: Self.t0 + .seconds(20)).isEmpty)
        #expect(ticked.evaluate(now: Self.t0 + .seconds(40)) == [.restored(index: 1)])
    }

    @Test("reports from an ejected endpoint are not counted, and a restored one starts its count afresh")
    func ejectedReports() {
        var detector = Self.detector(2)
        _ = Self.fail(&detector, 0)
        #expect(Self.fail(&detector, 0, times: 20).isEmpty)
        _ = detector.evaluate(now: Self.t0 + .seconds(30))
        #expect(Self.fail(&detector, 0, times: 4, at: Self.t0 + .seconds(31)).isEmpty)
    }

    @Test("each ejection lasts base × times ejected, capped at max_ejection")
    func growth() {
        var detector = Self.detector(2) { $0.maxEjection = .seconds(100) }
        var now = Self.t0
        var durations: [TimeAmount] = []
        for _ in 0..<6 {
            let events = Self.fail(&detector, 0, at: now)
            guard case .ejected(_, let until)? = events.last else {
                Issue.record("not ejected")
                return
            }
            durations.append(until - now)
            // Come back and fail again at once: no healthy interval, so no decay.
            now = until
            _ = detector.evaluate(now: now)
        }
        #expect(durations == [30, 60, 90, 100, 100, 100].map { .seconds($0) })
    }

    @Test("a max below the base ejects for the base")
    func maxBelowBase() {
        var detector = Self.detector(2) { $0.maxEjection = .seconds(5) }
        #expect(Self.fail(&detector, 0) == [.ejected(index: 0, until: Self.t0 + .seconds(30))])
    }

    @Test("the multiplier decays by one per tick once the endpoint has been back for an interval")
    func decay() {
        var detector = Self.detector(2)
        _ = Self.fail(&detector, 0)
        _ = detector.evaluate(now: Self.t0 + .seconds(30))
        _ = Self.fail(&detector, 0, at: Self.t0 + .seconds(30))
        #expect(detector.ejectionMultiplier(0) == 2)
        let back = Self.t0 + .seconds(90)
        #expect(detector.evaluate(now: back) == [.restored(index: 0)])
        #expect(detector.evaluate(now: back + .seconds(5)).isEmpty)
        #expect(detector.ejectionMultiplier(0) == 2)
        _ = detector.evaluate(now: back + .seconds(10))
        #expect(detector.ejectionMultiplier(0) == 1)
        // Failing now ejects for base × 2, not × 3.
        #expect(Self.fail(&detector, 0, at: back + .seconds(11)) == [.ejected(index: 0, until: back + .seconds(71))])
        _ = detector.evaluate(now: back + .seconds(71))
        _ = detector.evaluate(now: back + .seconds(81))
        _ = detector.evaluate(now: back + .seconds(91))
        #expect(detector.ejectionMultiplier(0) == 0)
        #expect(Self.fail(&detector, 0, at: back + .seconds(92)) == [.ejected(index: 0, until: back + .seconds(122))])
    }

    @Test(
        "never more than max_ejection_percent ejected, by Envoy's rule (ejected + 1) / endpoints ≤ percent",
        arguments: [
            (3, 50, 1), (4, 50, 2), (2, 50, 1), (10, 10, 1), (9, 10, 0), (5, 10, 0), (3, 100, 3), (1, 100, 1),
            (1, 99, 0),
        ])
    func maxPercent(endpoints: Int, percent: Int, ejectable: Int) {
        var detector = Self.detector(endpoints, percent: percent)
        let ejected = (0..<endpoints).filter { !Self.fail(&detector, $0).isEmpty }
        #expect(ejected.count == ejectable)
        #expect(detector.ejectedCount == ejectable)
    }

    @Test("always_eject_one ejects one even below the percentage, and no more")
    func alwaysOne() {
        var detector = Self.detector(5, percent: 10) { $0.alwaysEjectOne = true }
        #expect(Self.fail(&detector, 0).count == 1)
        #expect(Self.fail(&detector, 1).isEmpty)
    }

    @Test("a run held back by the cap ejects once room frees up")
    func heldBack() {
        var detector = Self.detector(3, percent: 50)
        _ = Self.fail(&detector, 0)
        #expect(Self.fail(&detector, 1).isEmpty)
        #expect(
            detector.report(Self.failed, endpoint: 1, now: Self.t0 + .seconds(30)) == [
                .restored(index: 0), .ejected(index: 1, until: Self.t0 + .seconds(60)),
            ])
    }

    @Test("failure ratio over an interval ejects on the tick, given enough requests")
    func ratio() {
        var detector = Self.detector(3) {
            $0.consecutiveFailures = nil
            $0.failureRatio = 0.5
            $0.minimumRequests = 10
        }
        // Endpoint 0: 6 of 10 fail, alternating so no long run; endpoint 1: 4 of 10; endpoint 2: 5 of 9.
        for i in 0..<10 { _ = detector.report(i % 5 < 3 ? Self.failed : .success, endpoint: 0, now: Self.t0) }
        for i in 0..<10 { _ = detector.report(i < 4 ? Self.failed : .success, endpoint: 1, now: Self.t0) }
        for _ in 0..<9 { _ = detector.report(Self.failed, endpoint: 2, now: Self.t0) }
        #expect(detector.ejectedCount == 0)
        #expect(detector.evaluate(now: Self.t0 + .seconds(10)) == [.ejected(index: 0, until: Self.t0 + .seconds(40))])
        // Counts restart each interval.
        _ = detector.report(Self.failed, endpoint: 2, now: Self.t0 + .seconds(11))
        #expect(detector.evaluate(now: Self.t0 + .seconds(20)).isEmpty)
    }

    @Test("zero endpoints, out-of-range indices and disabled detection do nothing")
    func edges() {
        var empty = Self.detector(0)
        #expect(Self.fail(&empty, 0).isEmpty)
        #expect(empty.evaluate(now: Self.t0).isEmpty)
        var detector = Self.detector(2)
        #expect(Self.fail(&detector, 5).isEmpty)
        #expect(Self.fail(&detector, -1).isEmpty)
        var off = Self.detector(2) { $0.consecutiveFailures = nil }
        #expect(Self.fail(&off, 0, times: 100).isEmpty)
        #expect(off.evaluate(now: Self.t0 + .seconds(10)).isEmpty)
    }

    @Test("remapping keeps the state of endpoints that stay")
    func remap() {
        var detector = Self.detector(3)
        _ = Self.fail(&detector, 2)
        _ = Self.fail(&detector, 1, times: 4)
        // New list: old 2, a new endpoint, old 1 (old 0 removed).
        var next = detector.remapped(oldIndex: [2, nil, 1])
        #expect(next.endpointCount == 3)
        #expect(next.isEjected(0) && next.ejectedCount == 1)
        #expect(next.ejectedUntil(0) == Self.t0 + .seconds(30))
        #expect(
            next.report(Self.failed, endpoint: 2, now: Self.t0) == [.ejected(index: 2, until: Self.t0 + .seconds(30))])
        #expect(next.evaluate(now: Self.t0 + .seconds(30)) == [.restored(index: 0), .restored(index: 2)])
    }

    @Test(
        "validation names the field",
        arguments: [
            (OutlierPolicy(consecutiveFailures: 0), "outlier.consecutive_failures"),
            (OutlierPolicy(failureRatio: 0), "outlier.failure_ratio"),
            (OutlierPolicy(failureRatio: 1.5), "outlier.failure_ratio"),
            (OutlierPolicy(minimumRequests: 0), "outlier.minimum_requests"),
            (OutlierPolicy(interval: .zero), "outlier.interval"),
            (OutlierPolicy(baseEjection: .zero), "outlier.base_ejection"),
            (OutlierPolicy(maxEjection: .seconds(-1)), "outlier.max_ejection"),
            (OutlierPolicy(maxEjectionPercent: 101), "outlier.max_ejection_percent"),
        ])
    func validation(policy: OutlierPolicy, field: String) throws {
        let error = #expect(throws: PolicyError.self) { try policy.validate() }
        #expect(error?.field == field)
        try OutlierPolicy().validate()
    }
}
