/// Counts `vote` answers as they arrive, so the fan-out can answer as soon as `needed`
/// upstreams agree (or give up as soon as they no longer can).
///
/// Values are grouped by `CanonicalJSON`. The decision is settled by the first group to reach
/// `needed`, and from then on stays with that group (a later group reaching `needed` too,
/// possible only when `needed` is at most half, does not take over); its `agree` keeps
/// counting later matching votes. The upstream reported is the group's earliest-recorded
/// member — the one that decided nothing is still waiting on. `impossible` is final too, since
/// outstanding upstreams only ever shrink.
///
/// `needed` below 1 is read as 1; above `upstreams` the tally is `impossible` from the start.
/// Recording an upstream twice, or one outside `0..<upstreams`, changes nothing.
public struct VoteTally: Sendable {
    public let upstreams: Int
    public let needed: Int
    public private(set) var decision: Decision

    private var recorded: [Bool]
    private var recordedCount = 0
    private var groups: [Group] = []
    private var grouping = VoteGroups()
    private var winningGroup: Int?

    private struct Group: Sendable {
        var upstream: Int
        var votes: Int
    }

    /// The default number needed: a strict majority of `upstreams` (2 of 3, 3 of 4).
    public static func majority(of upstreams: Int) -> Int {
        max(0, upstreams) / 2 + 1
    }

    public init(upstreams: Int, needed: Int) {
        self.upstreams = max(0, upstreams)
        self.needed = max(1, needed)
        self.recorded = Array(repeating: false, count: self.upstreams)
        self.decision = self.needed > self.upstreams ? .impossible : .pending
    }

    /// Records the answer of `upstream` (route index): its value at `position` of `document`,
    /// or nil when it failed or has nothing at the vote pointer.
    @discardableResult
    public mutating func record(upstream: Int, document: JSONDocument?, position: Int = JSONDocument.root) -> Decision {
        guard recorded.indices.contains(upstream), !recorded[upstream] else { return decision }
        recorded[upstream] = true
        recordedCount += 1
        if let document {
            let (group, isNew) = grouping.group(of: document, position)
            if isNew {
                groups.append(Group(upstream: upstream, votes: 1))
            } else {
                groups[group].votes += 1
            }
        }
        decide()
        return decision
    }

    /// `record(upstream:document:position:)` with the value's tree; for tests.
    @discardableResult
    public mutating func record(upstream: Int, value: JSONValue?) -> Decision {
        record(upstream: upstream, document: value.flatMap { try? JSONDocument(indexing: $0.serialized()) })
    }

    private mutating func decide() {
        if let winningGroup {
            decision = .agreed(upstream: groups[winningGroup].upstream, agree: groups[winningGroup].votes)
            return
        }
        guard decision == .pending else { return }
        if let index = groups.firstIndex(where: { $0.votes >= needed }) {
            winningGroup = index
            decision = .agreed(upstream: groups[index].upstream, agree: groups[index].votes)
            return
        }
        let best = groups.map(\.votes).max() ?? 0
        if best + (upstreams - recordedCount) < needed {
            decision = .impossible
        }
    }

    /// Where a `vote` stands after each upstream's answer (see `VoteTally`).
    public enum Decision: Sendable, Equatable {
        /// No value has enough votes yet, and one still could.
        case pending
        /// `agree` upstreams returned the value `upstream` (route index) returned first, compared
        /// canonically; at least the number needed.
        case agreed(upstream: Int, agree: Int)
        /// No value can reach the number needed with the upstreams still outstanding.
        case impossible
    }
}
