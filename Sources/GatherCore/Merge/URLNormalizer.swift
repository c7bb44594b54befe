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

    /// Works on the string's own UTF-8 storage and writes one output buffer: dedupe runs this
    /// for every item of every answer.
    private static func normalize(utf8 input: UnsafeBufferPointer<UInt8>) -> String {
        let end = input.firstIndex(of: UInt8(ascii: "#")) ?? input.count
        var output: [UInt8] = []
        output.reserveCapacity(end)

        var cursor = 0
        var schemeRange = 0..<0
        if let schemeEnd = schemeLength(input, end: end) {
            for byte in input[0..<schemeEnd] { output.append(lowercased(byte)) }
            output.append(contentsOf: "://".utf8)
            schemeRange = 0..<schemeEnd
            cursor = schemeEnd + 3
        } else if end >= 2, input[0] == UInt8(ascii: "/"), input[1] == UInt8(ascii: "/") {
            output.append(contentsOf: "//".utf8)
            cursor = 2
        }

        let authorityEnd = input[cursor..<end].firstIndex { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") } ?? end
        var hostStart = cursor
        if let at = input[cursor..<authorityEnd].lastIndex(of: UInt8(ascii: "@")) {
            output.append(contentsOf: input[cursor...at])
            hostStart = at + 1
        }
        var portSearchStart = hostStart
        if hostStart < authorityEnd, input[hostStart] == UInt8(ascii: "["),
           let bracket = input[hostStart..<authorityEnd].firstIndex(of: UInt8(ascii: "]")) {
            portSearchStart = bracket + 1
        }
        var hostEnd = authorityEnd
        var portRange = authorityEnd..<authorityEnd
        if let colon = input[portSearchStart..<authorityEnd].lastIndex(of: UInt8(ascii: ":")) {
            hostEnd = colon
            portRange = (colon + 1)..<authorityEnd
        }
        if hostEnd - hostStart >= 4, input[hostStart..<hostStart + 4].lazy.map(lowercased).elementsEqual("www.".utf8) {
            hostStart += 4
        }
        for byte in input[hostStart..<hostEnd] { output.append(lowercased(byte)) }
        if !portRange.isEmpty && !isDefaultPort(input[portRange], scheme: input[schemeRange]) {
            output.append(UInt8(ascii: ":"))
            output.append(contentsOf: input[portRange])
        }

        let queryStart = input[authorityEnd..<end].firstIndex(of: UInt8(ascii: "?")) ?? end
        var pathEnd = queryStart
        while pathEnd > authorityEnd, input[pathEnd - 1] == UInt8(ascii: "/") { pathEnd -= 1 }
        output.append(contentsOf: input[authorityEnd..<pathEnd])
        output.append(contentsOf: input[queryStart..<end])
        return String(decoding: output, as: UTF8.self)
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

    private static func isDefaultPort(_ port: Slice<UnsafeBufferPointer<UInt8>>,
                                      scheme: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        let is80 = port.elementsEqual("80".utf8)
        let is443 = port.elementsEqual("443".utf8)
        if scheme.isEmpty { return is80 || is443 }
        let lower = scheme.lazy.map(lowercased)
        if lower.elementsEqual("http".utf8) || lower.elementsEqual("ws".utf8) { return is80 }
        if lower.elementsEqual("https".utf8) || lower.elementsEqual("wss".utf8) { return is443 }
        return false
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z")
    }

    private static func lowercased(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
    }
}
