/// Picks the replica for a primary attempt by the power of two choices: draw two distinct
/// replicas at random, send to the cheaper one. Two random choices avoid the herd that "always
/// the cheapest" causes when many requests see the same numbers at once.
///
/// A replica's cost is its latency estimate (`PeakEWMA`) × (attempts in flight + 1), as in
/// Finagle's and Linkerd's peak-EWMA balancers: a fast replica takes more traffic until its queue
/// makes it as expensive as a slower idle one. A replica without an estimate yet is costed at the
/// lowest estimate of the others (optimistic, so a new or recovered replica is tried at once,
/// while its in-flight count still spreads a burst); with no estimates at all the cost is the
/// in-flight count alone.
///
/// Ties go to whichever candidate comes first at or after a cursor that then moves past the
/// winner, so idle replicas take turns instead of the lower index always winning.
public struct ReplicaPicker: Sendable, Equatable {
    /// Where the next tie is broken from.
    public private(set) var tieCursor = 0

    public init() {}

    /// By in-flight counts only (no latency known for any replica).
    public mutating func pick<Generator: RandomNumberGenerator>(inFlight: [Int],
                                                                using generator: inout Generator) -> Int {
        pick(costs: Self.costs(latencies: [], inFlight: inFlight), using: &generator)
    }

    /// `latencies[i]`: replica i's estimate in nanoseconds, nil when it has none (missing entries
    /// count as nil).
    public mutating func pick<Generator: RandomNumberGenerator>(latencies: [Double?], inFlight: [Int],
                                                                using generator: inout Generator) -> Int {
        pick(costs: Self.costs(latencies: latencies, inFlight: inFlight), using: &generator)
    }

    /// 0 for zero or one replica; with two, both are the candidates (no randomness needed).
    public mutating func pick<Generator: RandomNumberGenerator>(costs: [Double],
                                                                using generator: inout Generator) -> Int {
        let count = costs.count
        guard count > 2 else { return pick(costs: costs, candidates: 0, 1) }
        let first = Int(generator.next(upperBound: UInt64(count)))
        var second = Int(generator.next(upperBound: UInt64(count - 1)))
        if second >= first { second += 1 }
        return pick(costs: costs, candidates: first, second)
    }

    /// The pure decision between two given candidates (taken modulo the replica count).
    public mutating func pick(inFlight: [Int], candidates first: Int, _ second: Int) -> Int {
        pick(costs: Self.costs(latencies: [], inFlight: inFlight), candidates: first, second)
    }

    public mutating func pick(costs: [Double], candidates first: Int, _ second: Int) -> Int {
        let count = costs.count
        guard count > 1 else { return 0 }
        let a = Self.wrap(first, count)
        let b = Self.wrap(second, count)
        if costs[a] != costs[b] { return costs[a] < costs[b] ? a : b }
        let cursor = Self.wrap(tieCursor, count)
        let chosen = Self.wrap(a - cursor, count) <= Self.wrap(b - cursor, count) ? a : b
        tieCursor = (chosen + 1) % count
        return chosen
    }

    /// estimate × (in flight + 1) per replica, with the rules for missing estimates above.
    public static func costs(latencies: [Double?], inFlight: [Int]) -> [Double] {
        let known = latencies.compactMap { $0 }.filter { $0.isFinite && $0 >= 0 }
        let unknownEstimate = known.min() ?? 1
        return inFlight.indices.map { index in
            var estimate = index < latencies.count ? latencies[index] ?? unknownEstimate : unknownEstimate
            if !estimate.isFinite || estimate < 0 { estimate = unknownEstimate }
            // 1ns floor: an estimate decayed to 0 must not make the in-flight count irrelevant.
            return max(estimate, 1) * Double(max(0, inFlight[index]) + 1)
        }
    }

    private static func wrap(_ index: Int, _ count: Int) -> Int {
        let remainder = index % count
        return remainder < 0 ? remainder + count : remainder
    }
}
