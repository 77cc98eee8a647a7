/// The 64-bit hashes balancing needs: FNV-1a for hash keys (a header, a cookie, a client address) and for
/// endpoint names on the ring, and a finalizer that spreads them over the ring.
public enum BalancerHash {

    /// FNV-1a, 64 bits (draft-eastlake-fnv): cheap, no setup, and good enough once `mix` finishes it.
    @inlinable
    public static func fnv1a64(_ bytes: some Sequence<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }

    public static func fnv1a64(_ text: String) -> UInt64 {
        var text = text
        return text.withUTF8 { fnv1a64($0) }
    }

    /// MurmurHash3's fmix64: FNV-1a's high bits depend weakly on the last bytes, and ring positions need every
    /// bit to.
    @inlinable
    public static func mix(_ value: UInt64) -> UInt64 {
        var x = value
        x ^= x >> 33
        x = x &* 0xff51_afd7_ed55_8ccd
        x ^= x >> 33
        x = x &* 0xc4ce_b9fe_1a85_ec53
        x ^= x >> 33
        return x
    }
}
