/// The value an item sorts by in `sort` mode. Numbers compare numerically and come before
/// strings, which compare by Unicode code point (UTF-8 byte order is code point order);
/// anything else — a missing field, null, a bool, an array, an object — is `missing` and goes
/// last in either order.
enum SortKey {
    case number(JSONValue)
    case string(String)
    case missing

    init(_ value: JSONValue?) {
        switch value {
        case .int?, .double?: self = .number(value ?? .null)
        case .string(let text)?: self = .string(text)
        default: self = .missing
        }
    }

    /// -1, 0 or 1: whether `lhs` sorts before, with or after `rhs` in `order`.
    static func compare(_ lhs: SortKey, _ rhs: SortKey, order: SortSpec.Order) -> Int {
        let ascending: Int
        switch (lhs, rhs) {
        case (.missing, .missing): return 0
        case (.missing, _): return 1
        case (_, .missing): return -1
        case (.number(let left), .number(let right)):
            ascending = NumberOrder.less(left, right) ? -1 : (NumberOrder.less(right, left) ? 1 : 0)
        case (.string(let left), .string(let right)):
            if left.utf8.elementsEqual(right.utf8) {
                ascending = 0
            } else {
                ascending = left.utf8.lexicographicallyPrecedes(right.utf8) ? -1 : 1
            }
        case (.number, .string): ascending = -1
        case (.string, .number): ascending = 1
        }
        return order == .asc ? ascending : -ascending
    }
}
