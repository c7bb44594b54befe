/// Eight-bytes-at-a-time tests for the JSON reader's and writer's string loops: a word none of
/// whose bytes matters is skipped whole. These are the zero-byte tests of "Bit Twiddling
/// Hacks": they may misplace which byte matched, but never miss that one did, which is all a
/// skip needs.
enum JSONWordScan {
    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highBits: UInt64 = 0x8080_8080_8080_8080

    /// A quote, a backslash or a control character (below 0x20): what the writer escapes.
    static func needsEscape(_ word: UInt64) -> Bool {
        specialBits(word) & highBits != 0
    }

    /// Also any non-ASCII byte (what the reader cannot copy without validating it): the high bit of every byte that needs attention, and maybe of some bytes above the first
    /// one: a borrow only runs towards higher bytes, so the lowest set bit is always exact.
    /// With the word loaded little-endian, `trailingZeroBitCount >> 3` is the first such byte.
    static func attentionMask(_ word: UInt64) -> UInt64 {
        (specialBits(word) | word) & highBits
    }

    private static func specialBits(_ word: UInt64) -> UInt64 {
        let quotes = word ^ (ones &* UInt64(UInt8(ascii: "\"")))
        let backslashes = word ^ (ones &* UInt64(UInt8(ascii: "\\")))
        let hasQuote = (quotes &- ones) & ~quotes
        let hasBackslash = (backslashes &- ones) & ~backslashes
        let hasControl = (word &- ones &* 0x20) & ~word
        return hasQuote | hasBackslash | hasControl
    }
}
