import GatherCore

/// Per-upstream facts computed once per route load instead of once per attempt.
final class UpstreamRuntime: @unchecked Sendable {
    let spec: UpstreamSpec
    let timeoutMilliseconds: Int
    let timeoutNanoseconds: Int64
    let hedgeAfterNanoseconds: Int64?

    init(spec: UpstreamSpec) {
        self.spec = spec
        self.timeoutNanoseconds = spec.timeout.nanoseconds
        self.timeoutMilliseconds = max(1, Int((Double(timeoutNanoseconds) / 1_000_000).rounded(.up)))
        if let hedge = spec.hedge, case .fixed(let after) = hedge.after {
            hedgeAfterNanoseconds = after.nanoseconds
        } else {
            hedgeAfterNanoseconds = nil
        }
    }
}
