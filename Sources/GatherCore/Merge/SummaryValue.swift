/// One `summary:` result: a number gather computed, or a value an upstream sent (written as
/// its bytes).
public enum SummaryValue: Sendable {
    case null
    case int(Int64)
    case double(Double)
    /// The value at `position` of contribution `contribution`'s body (`min`/`max` winners).
    case upstreamValue(contribution: Int, position: Int)

    public func write(into writer: inout JSONWriter, contributions: [UpstreamContribution]) {
        switch self {
        case .null: writer.writeNull()
        case .int(let value): writer.writeInt(value)
        case .double(let value): writer.writeDouble(value)
        case .upstreamValue(let contribution, let position): writer.write(contributions[contribution].body, position)
        }
    }
}
