/// Orders JSON numbers: two integers exactly, anything else through Double.
enum NumberOrder {
    static func less(_ lhs: JSONValue, _ rhs: JSONValue) -> Bool {
        if case .int(let left) = lhs, case .int(let right) = rhs { return left < right }
        return (lhs.numberValue ?? 0) < (rhs.numberValue ?? 0)
    }
}
