/// How deep a request's plan went: an upstream's stage is 1 + the deepest of its needs, and
/// an answer reached the deepest stage among the upstreams it actually sent.
public enum StageDepth {
    /// Per upstream, its stage (1 for an upstream without needs). `needs` must form a DAG.
    public static func stages(needs: [[Int]]) -> [Int] {
        var depth: [Int] = Array(repeating: 0, count: needs.count)
        // Iterative: a chain of thousands must not exhaust the stack.
        for root in needs.indices where depth[root] == 0 {
            var stack: [Int] = [root]
            while let top = stack.last {
                let pending = needs[top].filter { $0 != top && depth[$0] == 0 && !stack.contains($0) }
                if let next = pending.first {
                    stack.append(next)
                    continue
                }
                depth[top] = 1 + (needs[top].map { depth[$0] }.max() ?? 0)
                stack.removeLast()
            }
        }
        return depth
    }

    /// The deepest stage among route upstreams that sent a request (a map: one of its calls).
    /// `outcomes` are the answer's entries, route upstreams first.
    public static func reached(stages: [Int], outcomes: [UpstreamOutcome]) -> Int {
        var deepest = 0
        for index in stages.indices where index < outcomes.count {
            let outcome = outcomes[index]
            let sent = outcome.attempts > 0
                || (outcome.calls.map { calls in calls.contains { outcomes[$0].attempts > 0 } } ?? false)
            if sent { deepest = max(deepest, stages[index]) }
        }
        return deepest
    }
}
