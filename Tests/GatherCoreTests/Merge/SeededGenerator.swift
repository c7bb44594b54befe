/// SplitMix64 from GatherCore: randomised tests fail the same way every run.
typealias SeededGenerator = SplitMixGenerator

import GatherCore
