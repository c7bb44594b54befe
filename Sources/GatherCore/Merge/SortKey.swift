import Foundation

/// The value an item sorts by in `sort` mode. Numbers compare numerically and come before
/// strings, which compare by Unicode code point (UTF-8 byte order is code point order);
/// anything else — a missing field, null, a bool, an array, an object, or a number beyond
/// Double's range — is `missing` and goes last in either order. A string is compared in its
/// document; only one holding escapes is decoded (into the merge's arena).
enum SortKey {
    case number(JSONNumber)
    /// Raw content bytes in the contribution's items document.
    case text(contribution: Int, range: Range<Int>)
    /// Decoded content in the merge's arena.
    case decoded(range: Range<Int>)
    case missing

    init(_ document: JSONDocument, _ value: Int?, contribution: Int, arena: inout [UInt8]) {
        guard let value else { self = .missing; return }
        switch document.kind(value) {
        case .number:
            self = document.number(value).map(SortKey.number) ?? .missing
        case .string:
            let range = document.range(value)
            if document.hasEscapes(value) {
                let start = arena.count
                document.withStringContent(value) { arena.append(contentsOf: $0) }
                self = .decoded(range: start..<arena.count)
            } else {
                self = .text(contribution: contribution, range: (range.lowerBound + 1)..<(range.upperBound - 1))
            }
        default:
            self = .missing
        }
    }

    /// -1, 0 or 1: whether `lhs` sorts before, with or after `rhs` in `order`.
    static func compare(_ lhs: SortKey, _ rhs: SortKey, order: SortSpec.Order,
                        texts: SortTexts) -> Int {
        let ascending: Int
        switch (lhs, rhs) {
        case (.missing, .missing): return 0
        case (.missing, _): return 1
        case (_, .missing): return -1
        case (.number(let left), .number(let right)):
            ascending = JSONNumber.less(left, right) ? -1 : (JSONNumber.less(right, left) ? 1 : 0)
        case (.number, _): ascending = -1
        case (_, .number): ascending = 1
        default:
            ascending = texts.compare(lhs, rhs)
        }
        return order == .asc ? ascending : -ascending
    }
}

/// The bytes string sort keys point into: the contributions' documents and the arena.
struct SortTexts {
    let contributions: [UpstreamContribution]
    let arena: [UInt8]

    func compare(_ lhs: SortKey, _ rhs: SortKey) -> Int {
        withText(lhs) { left in
            withText(rhs) { right in
                let common = min(left.count, right.count)
                let difference = common == 0 ? 0 : memcmp(left.baseAddress!, right.baseAddress!, common)
                if difference != 0 { return difference < 0 ? -1 : 1 }
                return left.count == right.count ? 0 : (left.count < right.count ? -1 : 1)
            }
        }
    }

    private func withText<R>(_ key: SortKey, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        switch key {
        case .text(let contribution, let range):
            return contributions[contribution].itemsDocument.bytes.withUnsafeBytes {
                body(UnsafeRawBufferPointer(rebasing: $0[range]))
            }
        case .decoded(let range):
            return arena.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[range])) }
        default:
            return body(UnsafeRawBufferPointer(start: nil, count: 0))
        }
    }
}
