import GatherCore

extension JSONValue {
    /// An integer or a floating-point value as a Double; nil for anything else.
    var numberValue: Double? {
        switch self {
        case .int(let value): Double(value)
        case .double(let value): value
        default: nil
        }
    }
}
