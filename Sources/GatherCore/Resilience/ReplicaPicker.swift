/// Picks the replica for a primary attempt by the power of two choices: draw two distinct
/// replicas at random, send to the one with fewer attempts in flight. Two random choices avoid
/// the herd that "always the least loaded" causes when many requests see the same counts at once.
///
/// Ties go to whichever candidate comes first at or after a cursor that then moves past the
/// winner, so idle replicas take turns instead of the lower index always winning.
public struct ReplicaPicker: Sendable, Equatable {
    /// Where the next tie is broken from.
    public private(set) var tieCursor = 0

    public init() {}

    /// 0 for zero or one replica; with two, both are the candidates (no randomness needed).
    public mutating func pick<Generator: RandomNumberGenerator>(inFlight: [Int],
                                                                using generator: inout Generator) -> Int {
        let count = inFlight.count
        guard count > 2 else { return pick(inFlight: inFlight, candidates: 0, 1) }
        let first = Int(generator.next(upperBound: UInt64(count)))
        var second = Int(generator.next(upperBound: UInt64(count - 1)))
        if second >= first { second += 1 }
        return pick(inFlight: inFlight, candidates: first, second)
    }

    /// The pure decision between two given candidates (taken modulo the replica count).
    public mutating func pick(inFlight: [Int], candidates first: Int, _ second: Int) -> Int {
        let count = inFlight.count
        guard count > 1 else { return 0 }
        let a = Self.wrap(first, count)
        let b = Self.wrap(second, count)
        if inFlight[a] != inFlight[b] { return inFlight[a] < inFlight[b] ? a : b }
        let cursor = Self.wrap(tieCursor, count)
        let chosen = Self.wrap(a - cursor, count) <= Self.wrap(b - cursor, count) ? a : b
        tieCursor = (chosen + 1) % count
        return chosen
    }

    private static func wrap(_ index: Int, _ count: Int) -> Int {
        let remainder = index % count
        return remainder < 0 ? remainder + count : remainder
    }
}
