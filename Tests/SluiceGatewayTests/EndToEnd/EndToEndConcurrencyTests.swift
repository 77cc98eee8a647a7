import NIOCore
import NIOHTTP1
import SluiceGateway
import SluiceThrift
import SluiceThriftServer
import Synchronization
import Testing

/// Many requests at once over a multiplexed transport.
@Suite("End to end: concurrency", .timeLimit(.minutes(1)))
struct EndToEndConcurrencyTests {
    @Test("200 concurrent requests over ttheader with 2 connections each get their own answer")
    func concurrentRequests() async throws {
        try await EndToEnd.run(.init(transport: .ttheader, timeout: "5s", connections: 2)) { endToEnd in
            let mostConnections = Atomic(0)
            let sampler = Task {
                while !Task.isCancelled {
                    mostConnections.max(endToEnd.backend.connectionCount)
                    try? await Task.sleep(for: .milliseconds(1))
                }
            }
            let mismatches = try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<200 {
                    group.addTask {
                        let response = try await endToEnd.send(.GET, "/v1/echo/n\(index)?count=\(index)")
                        let expected = Echoed(name: "n\(index)", count: Int32(index))
                        return try response.status == 200 && response.decode(Echoed.self) == expected
                    }
                }
                return try await group.reduce(0) { $0 + ($1 ? 0 : 1) }
            }
            sampler.cancel()
            mostConnections.max(endToEnd.backend.connectionCount)
            #expect(mismatches == 0)
            #expect((1...2).contains(mostConnections.load(ordering: .relaxed)))
        }
    }
}

extension Atomic<Int> {
    fileprivate func max(_ value: Int) {
        var current = load(ordering: .relaxed)
        while value > current {
            let (exchanged, original) = compareExchange(expected: current, desired: value, ordering: .relaxed)
            if exchanged { return }
            current = original
        }
    }
}
