import GatherCore

/// Fixtures draw every random decision from one seeded generator per backend, so a backend with
/// the same seed misbehaves in exactly the same order on every run: a flaky demo or test is then
/// reproducible by construction instead of by luck.
public typealias SplitMix64 = SplitMixGenerator
