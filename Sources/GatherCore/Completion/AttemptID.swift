/// Names one HTTP attempt: the upstream's index in the plan and the attempt's place in that
/// upstream's send order (0 is the primary).
public struct AttemptID: Hashable, Sendable, CustomStringConvertible {
    public var upstream: Int
    public var serial: Int

    public init(upstream: Int, serial: Int) {
        self.upstream = upstream
        self.serial = serial
    }

    public var description: String { "\(upstream).\(serial)" }
}
