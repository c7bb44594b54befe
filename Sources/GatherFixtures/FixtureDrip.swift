/// Send the body `chunk` bytes at a time, one chunk every `every`.
public struct FixtureDrip: Sendable, Equatable {
    public var rate: Double
    public var chunk: Int
    public var every: Duration

    public init(rate: Double, chunk: Int = 16, every: Duration = .milliseconds(50)) {
        self.rate = rate
        self.chunk = chunk
        self.every = every
    }

    public static let never = FixtureDrip(rate: 0, chunk: 16, every: .milliseconds(50))
}
