/// SplitMix64 from GatherCore, so every run merges exactly the same inputs and figures from
/// different runs or machines compare like for like.
typealias SeededGenerator = SplitMixGenerator

import GatherCore
