import NIOCore
import Testing

@testable import SluiceClient

@Suite("Health check state")
struct HealthCheckTests {
    static let policy = HealthCheckPolicy()

    static func run(_ probes: String, from state: HealthCheckState = HealthCheckState()) -> (HealthCheckState, String) {
        var state = state
        var transitions = ""
        for probe in probes {
            switch state.record(passed: probe == "+", policy: policy) {
            case .markedDown?: transitions += "D"
            case .markedUp?: transitions += "U"
            case nil: transitions += "."
            }
        }
        return (state, transitions)
    }

    @Test("defaults: 5 s interval, 1 s timeout, healthy 2, unhealthy 3, TCP")
    func defaults() throws {
        #expect(Self.policy.interval == .seconds(5))
        #expect(Self.policy.timeout == .seconds(1))
        #expect(Self.policy.healthyThreshold == 2)
        #expect(Self.policy.unhealthyThreshold == 3)
        #expect(Self.policy.thriftMethod == nil)
        try Self.policy.validate()
        #expect(HealthCheckState().isHealthy)
    }

    @Test(
        "hysteresis: three failures in a row take it down, two passes in a row bring it back",
        arguments: [
            ("---", "..D"), ("--+--", "....."), ("---++", "..D.U"), ("----+-++", "..D....U"),
            ("---+-+-++", "..D.....U"), ("+++", "..."), ("---++---", "..D.U..D"),
        ])
    func sequences(probes: String, expected: String) {
        let (state, transitions) = Self.run(probes)
        #expect(transitions == expected)
        #expect(state.isHealthy == (expected.last(where: { $0 != "." }) != "D"))
    }

    @Test("thresholds of 1 flip on every disagreeing probe")
    func thresholdOne() {
        let policy = HealthCheckPolicy(healthyThreshold: 1, unhealthyThreshold: 1)
        var state = HealthCheckState()
        #expect(state.record(passed: false, policy: policy) == .markedDown)
        #expect(state.record(passed: false, policy: policy) == nil)
        #expect(state.record(passed: true, policy: policy) == .markedUp)
    }

    @Test("thrift_method is Service.method")
    func method() throws {
        let name = try HealthCheckPolicy.MethodName(parsing: "Health.ping")
        #expect(name == .init(service: "Health", method: "ping"))
        #expect(name.description == "Health.ping")
        for bad in ["ping", "Health.", ".ping", "a.b.c", ""] {
            let error = #expect(throws: PolicyError.self) { try HealthCheckPolicy.MethodName(parsing: bad) }
            #expect(error?.field == "health_check.thrift_method")
        }
    }

    @Test(
        "validation names the field",
        arguments: [
            (HealthCheckPolicy(interval: .zero), "health_check.interval"),
            (HealthCheckPolicy(timeout: .zero), "health_check.timeout"),
            (HealthCheckPolicy(interval: .seconds(1), timeout: .seconds(2)), "health_check.timeout"),
            (HealthCheckPolicy(healthyThreshold: 0), "health_check.healthy"),
            (HealthCheckPolicy(unhealthyThreshold: 0), "health_check.unhealthy"),
        ])
    func validation(policy: HealthCheckPolicy, field: String) {
        let error = #expect(throws: PolicyError.self) { try policy.validate() }
        #expect(error?.field == field)
    }
}
