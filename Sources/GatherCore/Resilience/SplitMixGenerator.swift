/// SplitMix64 (Steele, Lea, Flood 2014): a tiny seedable generator. Replica picks, request ids
/// and the fixtures' simulated faults all draw from it: reproducible from a seed in tests, and no
/// shared system state (or getrandom call) per draw on hot paths.
public struct SplitMixGenerator: RandomNumberGenerator, Sendable, Equatable {
    public private(set) var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform double in [0, 1) built from the top 53 bits, so every value is exactly representable.
    public mutating func nextUnit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }
}
