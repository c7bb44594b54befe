import GatherCore

/// Per-upstream facts computed once per route load instead of once per attempt, and the
/// upstream's live health (latency, budgets, breaker, in-flight counts) shared by its requests.
final class UpstreamRuntime: Sendable {
    let spec: UpstreamSpec
    let timeoutMilliseconds: Int
    let timeoutNanoseconds: Int64
    let health: UpstreamHealth

    /// `previous`: the same upstream in the generation a reload replaces; its live health (latency
    /// window, breaker, budgets, in-flight counts) carries over when nothing it depends on changed.
    init(spec: UpstreamSpec, previous: UpstreamRuntime? = nil) {
        self.spec = spec
        self.timeoutNanoseconds = spec.timeout.nanoseconds
        self.timeoutMilliseconds = max(1, Int((Double(timeoutNanoseconds) / 1_000_000).rounded(.up)))
        if let previous, HealthIdentity(previous.spec) == HealthIdentity(spec) {
            self.health = previous.health
        } else {
            self.health = UpstreamHealth(spec: spec)
        }
    }
}
