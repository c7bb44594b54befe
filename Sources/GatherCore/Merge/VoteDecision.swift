/// Where a `vote` stands after each upstream's answer (see `VoteTally`).
public enum VoteDecision: Sendable, Equatable {
    /// No value has enough votes yet, and one still could.
    case pending
    /// `agree` upstreams returned the value `upstream` (route index) returned first, compared
    /// canonically; at least the number needed.
    case agreed(upstream: Int, agree: Int)
    /// No value can reach the number needed with the upstreams still outstanding.
    case impossible
}
