import GatherCore

/// Hands out the given values in order, so tests know every id a generator produced.
struct SequenceGenerator: RandomNumberGenerator {
    var values: [UInt64]

    mutating func next() -> UInt64 {
        values.isEmpty ? 0xDEAD_BEEF : values.removeFirst()
    }
}
