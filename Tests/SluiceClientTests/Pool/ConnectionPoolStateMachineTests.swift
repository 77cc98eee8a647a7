import NIOCore
import Testing

@testable import SluiceClient

@Suite("Connection pool state machine")
struct ConnectionPoolStateMachineTests {
    typealias Pool = ConnectionPoolStateMachine
    static let t0 = NIODeadline.uptimeNanoseconds(1_000_000_000)

    static func pool(max: Int = 2, maxIdle: Int = 0, idle: TimeAmount = .seconds(10)) -> Pool {
        Pool(configuration: .init(maxConnections: max, maxIdleConnections: maxIdle, idleTimeout: idle))
    }

    /// A pool with connections 0..<count connected and leased to waiters 1...count.
    static func leased(_ count: Int, max: Int, maxIdle: Int) -> Pool {
        var pool = Self.pool(max: max, maxIdle: maxIdle)
        for waiter in 1...count { _ = pool.request(waiter) }
        for id in 0..<count { _ = pool.connected(id, now: t0) }
        return pool
    }

    @Test("the first caller opens a connection and gets it when it connects")
    func firstRequest() {
        var pool = Self.pool()
        #expect(pool.request(1) == .connect(0))
        #expect(pool.connected(0, now: Self.t0) == .lease(0, to: 1))
        #expect(pool.released(0, reusable: true, now: Self.t0) == .park(0, idleDeadline: Self.t0 + .seconds(10)))
        #expect(pool.request(2) == .lease(0, to: 2))
    }

    @Test("callers beyond maxConnections wait in FIFO order and get connections as they are released")
    func fifo() {
        var pool = Self.pool(max: 2)
        #expect(pool.request(1) == .connect(0))
        #expect(pool.request(2) == .connect(1))
        #expect(pool.request(3) == .queued)
        #expect(pool.request(4) == .queued)
        #expect(pool.connected(1, now: Self.t0) == .lease(1, to: 1))
        #expect(pool.connected(0, now: Self.t0) == .lease(0, to: 2))
        #expect(pool.released(0, reusable: true, now: Self.t0) == .lease(0, to: 3))
        #expect(pool.released(1, reusable: true, now: Self.t0) == .lease(1, to: 4))
        #expect(pool.connections.count == 2)
    }

    @Test("a queued caller times out alone; the others keep their places")
    func waiterTimeout() {
        var pool = Self.pool(max: 1)
        _ = pool.request(1)
        _ = pool.connected(0, now: Self.t0)
        #expect(pool.request(2) == .queued)
        #expect(pool.request(3) == .queued)
        guard case .failWaiters([2], let error) = pool.waiterTimedOut(2) else {
            Issue.record("timeout")
            return
        }
        #expect(error.kind == .requestTimeout)
        #expect(pool.waiterTimedOut(2) == .none)
        #expect(pool.released(0, reusable: true, now: Self.t0) == .lease(0, to: 3))
    }

    @Test("a timed-out connection is closed, not reused, and replaced for the queue")
    func notReusable() {
        var pool = Self.pool(max: 1)
        _ = pool.request(1)
        _ = pool.connected(0, now: Self.t0)
        #expect(pool.request(2) == .queued)
        #expect(pool.released(0, reusable: false, now: Self.t0) == .closeAndConnect(close: 0, connect: 1))
        #expect(pool.connected(1, now: Self.t0) == .lease(1, to: 2))
        #expect(pool.released(1, reusable: false, now: Self.t0) == .close(1))
        #expect(pool.connections.isEmpty)
    }

    @Test("a release never closes a healthy connection, however many are idle already")
    func releaseKeepsSurplus() {
        var pool = Self.leased(2, max: 3, maxIdle: 1)
        #expect(pool.released(0, reusable: true, now: Self.t0) == .park(0, idleDeadline: Self.t0 + .seconds(10)))
        #expect(pool.released(1, reusable: true, now: Self.t0) == .park(1, idleDeadline: Self.t0 + .seconds(10)))
        #expect(pool.idleCount == 2)
        #expect(pool.connections.count == 2)
    }

    @Test("sustained concurrency above maxIdle opens no connection after warm-up")
    func steadyLoad() {
        var pool = Self.pool(max: 64, maxIdle: 2)
        let concurrency = 16
        var connects = 0
        var leased: [Int] = []
        var now = Self.t0
        func handle(_ action: Pool.Action) {
            switch action {
            case .connect(let id):
                connects += 1
                handle(pool.connected(id, now: now))
            case .lease(let id, _):
                leased.append(id)
            case .park, .none, .queued:
                break
            default:
                Issue.record("unexpected \(action)")
            }
        }
        var waiter = 0
        func request() {
            waiter += 1
            handle(pool.request(waiter))
        }
        for _ in 0..<concurrency { request() }
        #expect(connects == concurrency)
        // Ten thousand rounds: each in-flight call completes (a burst of releases: every connection idles at
        // once, far more than maxIdle) and its caller sends the next one.
        for _ in 0..<10_000 {
            now = now + .microseconds(100)
            let done = leased
            leased.removeAll()
            for id in done { handle(pool.released(id, reusable: true, now: now)) }
            for _ in done { request() }
        }
        #expect(connects == concurrency)
        #expect(pool.connections.count == concurrency)
    }

    @Test("a released connection goes to the oldest waiter before it could idle")
    func releaseToWaiterFirst() {
        var pool = Self.leased(2, max: 2, maxIdle: 2)
        #expect(pool.request(3) == .queued)
        #expect(pool.request(4) == .queued)
        #expect(pool.released(1, reusable: true, now: Self.t0) == .lease(1, to: 3))
        #expect(pool.released(0, reusable: true, now: Self.t0) == .lease(0, to: 4))
        #expect(pool.idleCount == 0)
    }

    @Test("only the idle timer closes surplus connections; maxIdle of them stay open past the timeout")
    func timerTrimsSurplus() {
        var pool = Self.leased(3, max: 4, maxIdle: 1)
        let t1 = Self.t0 + .seconds(1)
        for id in 0..<3 {
            #expect(pool.released(id, reusable: true, now: t1) == .park(id, idleDeadline: t1 + .seconds(10)))
        }
        // Before the timeout nothing closes.
        #expect(pool.idleTimerFired(0, now: t1 + .seconds(5)) == .park(0, idleDeadline: t1 + .seconds(10)))
        let t11 = t1 + .seconds(10)
        #expect(pool.idleTimerFired(0, now: t11) == .close(0))
        #expect(pool.idleTimerFired(1, now: t11) == .close(1))
        // The last one is within maxIdle: kept, and checked again a timeout later.
        #expect(pool.idleTimerFired(2, now: t11) == .park(2, idleDeadline: t11 + .seconds(10)))
        #expect(pool.idleTimerFired(2, now: t11 + .seconds(10)) == .park(2, idleDeadline: t11 + .seconds(20)))
        #expect(pool.connections.count == 1)
        #expect(pool.request(9) == .lease(2, to: 9))
    }

    @Test("maxIdle 0: every idle connection closes at the timeout")
    func noReserve() {
        var pool = Self.pool(max: 1, maxIdle: 0)
        _ = pool.request(1)
        _ = pool.connected(0, now: Self.t0)
        #expect(pool.released(0, reusable: true, now: Self.t0) == .park(0, idleDeadline: Self.t0 + .seconds(10)))
        #expect(pool.idleTimerFired(0, now: Self.t0 + .seconds(10)) == .close(0))
        #expect(pool.connections.isEmpty)
    }

    @Test("callers take the most recently idled connection; a closed idle connection is never handed out")
    func lifo() {
        var pool = Self.pool(max: 3, maxIdle: 3)
        _ = pool.request(1)
        _ = pool.request(2)
        _ = pool.request(3)
        _ = pool.connected(0, now: Self.t0)
        _ = pool.connected(1, now: Self.t0)
        _ = pool.connected(2, now: Self.t0)
        _ = pool.released(1, reusable: true, now: Self.t0)
        _ = pool.released(0, reusable: true, now: Self.t0)
        _ = pool.released(2, reusable: true, now: Self.t0)
        #expect(pool.idleCount == 3)
        #expect(pool.closed(2) == .none)
        #expect(pool.request(4) == .lease(0, to: 4))
        #expect(pool.request(5) == .lease(1, to: 5))
        #expect(pool.request(6) == .connect(3))
        #expect(pool.idleCount == 0)
    }

    @Test("an idle connection closes after the idle timeout; reuse in between re-arms the one timer")
    func idleTimeout() {
        var pool = Self.pool()
        _ = pool.request(1)
        _ = pool.connected(0, now: Self.t0)
        #expect(pool.released(0, reusable: true, now: Self.t0) == .park(0, idleDeadline: Self.t0 + .seconds(10)))
        // Reused and released again at t0+5: the armed timer stays, no second one.
        #expect(pool.request(2) == .lease(0, to: 2))
        let t5 = Self.t0 + .seconds(5)
        #expect(pool.released(0, reusable: true, now: t5) == .park(0, idleDeadline: nil))
        // The first timer fires at t0+10: not idle long enough, re-armed for t5+10.
        let t10 = Self.t0 + .seconds(10)
        #expect(pool.idleTimerFired(0, now: t10) == .park(0, idleDeadline: t5 + .seconds(10)))
        #expect(pool.idleTimerFired(0, now: t5 + .seconds(10)) == .close(0))
        #expect(pool.connections.isEmpty)
    }

    @Test("a connect failure fails the oldest waiter; with no connection left, all of them")
    func connectFailure() {
        var pool = Self.pool(max: 2)
        _ = pool.request(1)
        _ = pool.request(2)
        _ = pool.request(3)
        let error = ClientError(.connectFailed, "refused")
        #expect(pool.connectFailed(0, error: error) == .failWaiters([1], error))
        #expect(pool.connectFailed(1, error: error) == .failWaiters([2, 3], error))
        #expect(pool.connections.isEmpty)
        // The next caller tries again.
        #expect(pool.request(4) == .connect(2))
    }

    @Test("a connection closing under a queue is replaced")
    func closedReplaced() {
        var pool = Self.pool(max: 1)
        _ = pool.request(1)
        _ = pool.connected(0, now: Self.t0)
        _ = pool.request(2)
        #expect(pool.closed(0) == .closeAndConnect(close: nil, connect: 1))
        #expect(pool.closed(0) == .none)
    }

    @Test("shutdown fails waiters and closes idle and connecting connections; later requests fail")
    func shutdown() {
        var pool = Self.pool(max: 3, maxIdle: 3)
        _ = pool.request(1)
        _ = pool.request(2)
        _ = pool.connected(0, now: Self.t0)  // leased to 1
        _ = pool.connected(1, now: Self.t0)  // leased to 2
        _ = pool.released(1, reusable: true, now: Self.t0)  // idle
        _ = pool.request(3)  // takes 1 again
        _ = pool.request(4)  // opens 2
        _ = pool.request(5)  // queued behind
        #expect(pool.shutdown() == .shutdown(failWaiters: [4, 5], close: [2]))
        #expect(pool.released(0, reusable: true, now: Self.t0) == .close(0))
        guard case .failWaiters([9], let error) = pool.request(9) else {
            Issue.record("after shutdown")
            return
        }
        #expect(error.kind == .shutdown)
    }
}
