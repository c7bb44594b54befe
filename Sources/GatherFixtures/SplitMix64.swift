/// A small, fast, seedable generator (Steele, Lea & Flood's SplitMix64).
///
/// Fixtures draw every random decision from one of these so that a backend with the same
/// seed misbehaves in exactly the same order on every run: a flaky demo or test is then
/// reproducible by construction instead of by luck.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

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
