import Foundation

/// `normalize: url` — makes spellings of the same page compare equal: lowercases the scheme
/// and host, drops a leading `www.`, the scheme's default port (80 for http/ws, 443 for
/// https/wss; either one when there is no scheme), the fragment and trailing `/`s of the path.
/// Userinfo, path case and query are kept: servers may treat them as significant.
/// Text without `scheme://` or `//` is read as `host[:port][/path][?query]`, so that
/// `www.Example.com/a/` and `https://example.com/a` normalise alike apart from the scheme.
public enum URLNormalizer {
    public static func normalize(_ text: String) -> String {
        var text = text
        return text.withUTF8 { normalize(utf8: $0) }
    }

    /// Appends the normalised form of UTF-8 `input` to `output`: dedupe runs this for every
    /// item of every answer, straight from the upstream's bytes into the merge's key arena.
    public static func normalize(_ input: UnsafeBufferPointer<UInt8>, into output: inout [UInt8]) {
        // Most URLs an upstream sends are already in normal form: checked in one pass and
        // appended whole, they skip the copy-and-lowercase loops below.
        if isNormal(input) {
            output.append(contentsOf: input)
            return
        }
        normalizeFully(input, into: &output)
    }

    /// The full normalisation, without the fast path; tests compare the two.
    static func normalizeFully(_ input: UnsafeBufferPointer<UInt8>, into output: inout [UInt8]) {
        // Built on the stack, then appended in one copy.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(input.count, 1)) { scratch in
            let written = normalize(utf8: input, into: scratch)
            output.append(contentsOf: UnsafeBufferPointer(rebasing: scratch[0..<written]))
        }
    }

    private static func normalize(utf8 input: UnsafeBufferPointer<UInt8>) -> String {
        if isNormal(input) { return String(decoding: input, as: UTF8.self) }
        return String(unsafeUninitializedCapacity: input.count) { normalize(utf8: input, into: $0) }
    }

    /// Whether `input` is already its own normal form, so that normalising would copy it
    /// unchanged: a lowercase scheme (or `//`, or none), an authority that is a lowercase host
    /// alone (no userinfo, port or IPv6 literal — those are left to the full path even when
    /// nothing in them changes), no leading `www.`, no trailing `/` on the path, no fragment.
    /// One forward pass plus two `memchr`s. It may say no to a text that is in normal form
    /// (the full path then copies it), never yes to one that is not.
    static func isNormal(_ input: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = input.baseAddress, input.count > 0 else { return false }
        let count = input.count
        var cursor = 0
        if isLowercaseLetter(base[0]) {
            // A scheme already lowercase; one with an uppercase letter stops the scan early and
            // is then read as authority, where the uppercase letter says no.
            var position = 1
            while position < count, isLowercaseSchemeByte(base[position]) { position += 1 }
            if position + 2 < count, base[position] == UInt8(ascii: ":"), base[position + 1] == UInt8(ascii: "/"),
               base[position + 2] == UInt8(ascii: "/") {
                cursor = position + 3
            }
        } else if count >= 2, base[0] == UInt8(ascii: "/"), base[1] == UInt8(ascii: "/") {
            cursor = 2
        }
        let hostStart = cursor
        while cursor < count {
            let byte = base[cursor]
            if byte == UInt8(ascii: "/") || byte == UInt8(ascii: "?") { break }
            if byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") { return false }
            if byte == UInt8(ascii: "@") || byte == UInt8(ascii: ":") || byte == UInt8(ascii: "[")
                || byte == UInt8(ascii: "#") {
                return false
            }
            cursor += 1
        }
        if cursor - hostStart >= 4, base[hostStart] == UInt8(ascii: "w"), base[hostStart + 1] == UInt8(ascii: "w"),
           base[hostStart + 2] == UInt8(ascii: "w"), base[hostStart + 3] == UInt8(ascii: ".") {
            return false
        }
        let rest = count - cursor
        guard rest > 0 else { return true }
        if memchr(base + cursor, Int32(UInt8(ascii: "#")), rest) != nil { return false }
        let pathEnd: Int
        if let query = memchr(base + cursor, Int32(UInt8(ascii: "?")), rest) {
            pathEnd = base.distance(to: query.assumingMemoryBound(to: UInt8.self))
        } else {
            pathEnd = count
        }
        return pathEnd == cursor || base[pathEnd - 1] != UInt8(ascii: "/")
    }

    private static func isLowercaseLetter(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")
    }

    private static func isLowercaseSchemeByte(_ byte: UInt8) -> Bool {
        isLowercaseLetter(byte) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
            || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
    }

    /// Plain index loops writing into `output` (at least `input.count` bytes): the result is
    /// never longer than the text before `#` (every step copies or drops input bytes).
    private static func normalize(utf8 input: UnsafeBufferPointer<UInt8>, into output: UnsafeMutableBufferPointer<UInt8>) -> Int {
        let end = firstIndex(of: UInt8(ascii: "#"), in: input, 0..<input.count) ?? input.count
        guard end > 0 else { return 0 }
        do {
            var written = 0
            func copy(_ range: Range<Int>, lowercasing: Bool = false) {
                guard !range.isEmpty, let from = input.baseAddress, let to = output.baseAddress else { return }
                if lowercasing {
                    for position in range {
                        to[written] = lowercased(from[position])
                        written += 1
                    }
                } else {
                    (to + written).initialize(from: from + range.lowerBound, count: range.count)
                    written += range.count
                }
            }

            var cursor = 0
            var schemeRange = 0..<0
            if let schemeEnd = schemeLength(input, end: end) {
                copy(0..<schemeEnd, lowercasing: true)
                copy(schemeEnd..<schemeEnd + 3)  // "://"
                schemeRange = 0..<schemeEnd
                cursor = schemeEnd + 3
            } else if end >= 2, input[0] == UInt8(ascii: "/"), input[1] == UInt8(ascii: "/") {
                copy(0..<2)
                cursor = 2
            }

            var authorityEnd = cursor
            while authorityEnd < end, input[authorityEnd] != UInt8(ascii: "/"), input[authorityEnd] != UInt8(ascii: "?") {
                authorityEnd += 1
            }
            var hostStart = cursor
            if let at = lastIndex(of: UInt8(ascii: "@"), in: input, cursor..<authorityEnd) {
                copy(cursor..<at + 1)
                hostStart = at + 1
            }
            var portSearchStart = hostStart
            if hostStart < authorityEnd, input[hostStart] == UInt8(ascii: "["),
               let bracket = firstIndex(of: UInt8(ascii: "]"), in: input, hostStart..<authorityEnd) {
                portSearchStart = bracket + 1
            }
            var hostEnd = authorityEnd
            var portRange = authorityEnd..<authorityEnd
            if let colon = lastIndex(of: UInt8(ascii: ":"), in: input, portSearchStart..<authorityEnd) {
                hostEnd = colon
                portRange = (colon + 1)..<authorityEnd
            }
            if hostEnd - hostStart >= 4, lowercased(input[hostStart]) == UInt8(ascii: "w"),
               lowercased(input[hostStart + 1]) == UInt8(ascii: "w"), lowercased(input[hostStart + 2]) == UInt8(ascii: "w"),
               input[hostStart + 3] == UInt8(ascii: ".") {
                hostStart += 4
            }
            copy(hostStart..<hostEnd, lowercasing: true)
            if !portRange.isEmpty && !isDefaultPort(input, portRange, scheme: schemeRange) {
                output[written] = UInt8(ascii: ":")
                written += 1
                copy(portRange)
            }

            let queryStart = firstIndex(of: UInt8(ascii: "?"), in: input, authorityEnd..<end) ?? end
            var pathEnd = queryStart
            while pathEnd > authorityEnd, input[pathEnd - 1] == UInt8(ascii: "/") { pathEnd -= 1 }
            copy(authorityEnd..<pathEnd)
            copy(queryStart..<end)
            return written
        }
    }

    private static func firstIndex(of byte: UInt8, in input: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int? {
        guard !range.isEmpty, let base = input.baseAddress else { return nil }
        guard let found = memchr(base + range.lowerBound, Int32(byte), range.count) else { return nil }
        return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
    }

    private static func lastIndex(of byte: UInt8, in input: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int? {
        var position = range.upperBound
        while position > range.lowerBound {
            position -= 1
            if input[position] == byte { return position }
        }
        return nil
    }

    /// Length of an RFC 3986 scheme followed by `://`, if the text starts with one.
    private static func schemeLength(_ input: UnsafeBufferPointer<UInt8>, end: Int) -> Int? {
        guard end > 0, isLetter(input[0]) else { return nil }
        var position = 1
        while position < end {
            let byte = input[position]
            if byte == UInt8(ascii: ":") {
                guard position + 2 < end, input[position + 1] == UInt8(ascii: "/"),
                      input[position + 2] == UInt8(ascii: "/") else { return nil }
                return position
            }
            guard isLetter(byte) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                    || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") else {
                return nil
            }
            position += 1
        }
        return nil
    }

    private static func isDefaultPort(_ input: UnsafeBufferPointer<UInt8>, _ port: Range<Int>, scheme: Range<Int>) -> Bool {
        let is80 = equals(input, port, "80", lowercasing: false)
        let is443 = equals(input, port, "443", lowercasing: false)
        if scheme.isEmpty { return is80 || is443 }
        if equals(input, scheme, "http", lowercasing: true) || equals(input, scheme, "ws", lowercasing: true) { return is80 }
        if equals(input, scheme, "https", lowercasing: true) || equals(input, scheme, "wss", lowercasing: true) { return is443 }
        return false
    }

    private static func equals(_ input: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ expected: StaticString,
                               lowercasing: Bool) -> Bool {
        guard range.count == expected.utf8CodeUnitCount else { return false }
        let bytes = expected.utf8Start
        for offset in 0..<range.count {
            let byte = input[range.lowerBound + offset]
            if (lowercasing ? lowercased(byte) : byte) != bytes[offset] { return false }
        }
        return true
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z")
    }

    private static func lowercased(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
    }
}
