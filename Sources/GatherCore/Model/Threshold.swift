/// A count written either as K or as a percentage of the upstreams ("66%").
public enum Threshold: Sendable, Equatable {
    case count(Int)
    case percent(Double)

    /// The number of upstreams out of `total` this threshold asks for; a percentage rounds up
    /// so that "50%" of 3 needs 2, and never asks for more than `total`.
    public func resolve(of total: Int) -> Int {
        switch self {
        case .count(let count):
            return count
        case .percent(let percent):
            let needed = (percent / 100.0 * Double(total)).rounded(.up)
            return min(total, max(0, Int(needed)))
        }
    }
}
