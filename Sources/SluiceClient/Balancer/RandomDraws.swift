/// The random numbers one pick needs, drawn from a single `next()` of the caller's generator: the rest of
/// the pick then runs without a generic call (wyrand steps and Lemire's multiply-shift to a range, whose
/// bias is bound / 2^64, nothing next to a few endpoints).
struct RandomDraws {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    @inline(__always)
    mutating func next() -> UInt64 {
        state &+= 0xa076_1d64_78bd_642f
        let product = state.multipliedFullWidth(by: state ^ 0xe703_7ed1_a0b4_28db)
        return product.high ^ product.low
    }

    /// A number in 0..<bound; bound must be positive.
    @inline(__always)
    mutating func below(_ bound: Int) -> Int {
        Int(truncatingIfNeeded: next().multipliedFullWidth(by: UInt64(bound)).high)
    }
}
