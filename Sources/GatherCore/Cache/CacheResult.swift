/// How an upstream with a cache (or coalescing) was served, reported as its `cache` member.
public enum CacheResult: String, Sendable, Equatable, CaseIterable {
    /// Sent upstream; the answer may have been stored.
    case miss
    /// A fresh entry answered: nothing was sent.
    case hit
    /// The live attempt failed or was late, and an entry within `stale` filled the slot.
    case stale
    /// Another request's identical transfer answered this one too.
    case coalesced
}
