/// A misbehaviour that happens on a fraction of requests; `rate` is in [0, 1].
public struct FixtureErrorInjection: Sendable, Equatable {
    public var rate: Double
    public var status: Int

    public init(rate: Double, status: Int = 503) {
        self.rate = rate
        self.status = status
    }

    public static let never = FixtureErrorInjection(rate: 0)
}
