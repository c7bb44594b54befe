/// What an upstream's `Cache-Control` and `Age` allow a shared cache to do with its answer
/// (RFC 9111). gather is a shared cache: `private` answers are never stored, and `s-maxage`
/// wins over `max-age`. The route's `ttl` is an upper bound the upstream can only shorten.
public struct CacheDirectives: Sendable, Equatable {
    public var noStore = false
    public var isPrivate = false
    public var noCache = false
    /// `must-revalidate` / `proxy-revalidate`: never served once stale, so no stale fill.
    public var mustRevalidate = false
    /// Seconds; `s-maxage` if present, else `max-age`.
    public var maxAge: Int64?
    /// The `Age` header, in seconds (0 when absent or invalid).
    public var age: Int64 = 0

    public init() {}

    /// `cacheControl`: every `Cache-Control` field value joined by commas; names ignore case.
    public init(cacheControl: String?, age: String?) {
        if let age, let seconds = Self.seconds(Self.trimmed(Substring(age))) { self.age = seconds }
        guard let cacheControl else { return }
        var sharedMaxAge: Int64?
        for part in cacheControl.split(separator: ",") {
            let directive = part.split(separator: "=", maxSplits: 1)
            let name = Self.trimmed(directive[0]).lowercased()
            var value = directive.count > 1 ? Self.trimmed(directive[1]) : nil
            if let quoted = value, quoted.count >= 2, quoted.hasPrefix("\""), quoted.hasSuffix("\"") {
                value = String(quoted.dropFirst().dropLast())
            }
            switch name {
            case "no-store": noStore = true
            // The field-qualified forms (`private="set-cookie"`) are treated as the whole
            // directive: stricter, and gather cannot store an answer minus some of its headers
            // in a way that matters for a JSON body anyway.
            case "private": isPrivate = true
            case "no-cache": noCache = true
            case "must-revalidate", "proxy-revalidate": mustRevalidate = true
            case "max-age":
                // An invalid value makes the answer stale at once (RFC 9111 §4.2.1).
                maxAge = value.flatMap(Self.seconds) ?? 0
            case "s-maxage":
                sharedMaxAge = value.flatMap(Self.seconds) ?? 0
            default: continue
            }
        }
        if let sharedMaxAge { maxAge = sharedMaxAge }
    }

    /// From a response's header list (names lowercased, as the transfer engine gives them).
    public init(headers: [(String, String)]) {
        var cacheControl: String?
        var age: String?
        for (name, value) in headers {
            if name == "cache-control" {
                cacheControl = cacheControl.map { $0 + "," + value } ?? value
            } else if name == "age", age == nil {
                age = value
            }
        }
        self.init(cacheControl: cacheControl, age: age)
    }

    /// Whether the answer may be stored at all. `no-cache` answers may not be used without
    /// revalidating them first, and gather does not revalidate, so storing them is useless.
    public var storable: Bool { !noStore && !isPrivate && !noCache }

    private static func trimmed(_ text: Substring) -> String {
        String(text.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }

    private static func seconds(_ text: String) -> Int64? {
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        // Larger than any lifetime that matters: clamp instead of overflowing (RFC 9111 §1.2.2).
        return text.count > 10 ? 2_147_483_648 : Int64(text)
    }
}
