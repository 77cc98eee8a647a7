import NIOCore
import Testing

@testable import SluiceClient

@Suite("Call deadline")
struct CallDeadlineTests {
    static let t0 = NIODeadline.uptimeNanoseconds(1_000_000_000)

    @Test("remaining time counts down to zero and stays there")
    func remaining() {
        let deadline = CallDeadline(start: Self.t0, timeout: .seconds(1))
        #expect(deadline.remaining(at: Self.t0) == .seconds(1))
        #expect(deadline.remaining(at: Self.t0 + .milliseconds(700)) == .milliseconds(300))
        #expect(deadline.remaining(at: Self.t0 + .seconds(2)) == .zero)
        #expect(!deadline.isExpired(at: Self.t0 + .milliseconds(999)))
        #expect(deadline.isExpired(at: Self.t0 + .seconds(1)))
    }

    @Test("an attempt gets the smaller of per-try and remaining; none once expired")
    func attemptTimeout() {
        let deadline = CallDeadline(start: Self.t0, timeout: .seconds(1))
        #expect(deadline.attemptTimeout(perTry: .milliseconds(300), at: Self.t0) == .milliseconds(300))
        #expect(
            deadline.attemptTimeout(perTry: .milliseconds(300), at: Self.t0 + .milliseconds(800)) == .milliseconds(200))
        #expect(deadline.attemptTimeout(perTry: nil, at: Self.t0 + .milliseconds(100)) == .milliseconds(900))
        #expect(deadline.attemptTimeout(perTry: .milliseconds(300), at: Self.t0 + .seconds(1)) == nil)
    }

    @Test("propagated as whole milliseconds (at least 1) and as grpc-timeout")
    func propagation() {
        #expect(CallDeadline.propagatedMilliseconds(.milliseconds(250)) == 250)
        #expect(CallDeadline.propagatedMilliseconds(.microseconds(1_999)) == 1)
        #expect(CallDeadline.propagatedMilliseconds(.microseconds(400)) == 1)
        #expect(CallDeadline.propagatedMilliseconds(.zero) == 1)
        #expect(CallDeadline.grpcTimeoutHeader(.milliseconds(250)) == GRPCTimeout.header(.milliseconds(250)))
    }
}
