import Testing
@testable import GatherCore

/// The pure cache with a manual clock (nanoseconds passed in): keying, freshness by ttl and the
/// upstream's Cache-Control and Age, the stale window, SIEVE eviction under the byte bound.
struct ResponseCacheTests {
    static let second: Int64 = 1_000_000_000
    static let spec = CacheSpec(ttl: .seconds(30), stale: .seconds(600), maxSize: 100_000)

    private func key(_ url: String, headers: [(String, String)] = []) -> CacheKey {
        CacheKey(method: "GET", url: url, headers: headers, body: nil)
    }

    private func freshness(_ cacheControl: String? = nil, age: String? = nil, spec: CacheSpec = spec)
        -> ResponseCache<String>.Freshness? {
        ResponseCache<String>.Freshness(spec: spec, directives: CacheDirectives(cacheControl: cacheControl, age: age))
    }

    @Test func keyIgnoresPerRequestHeadersButNotTheOthers() {
        let a = key("http://u/s?q=1", headers: [("X-Request-Id", "one"), ("traceparent", "00-a"), ("tracestate", "x=1"),
                                                ("Accept-Language", "de")])
        let b = key("http://u/s?q=1", headers: [("X-Request-Id", "two"), ("traceparent", "00-b"), ("Accept-Language", "de")])
        #expect(a == b)
        #expect(a != key("http://u/s?q=1", headers: [("Accept-Language", "fr")]))
        #expect(a != key("http://u/s?q=2", headers: [("Accept-Language", "de")]))
        #expect(key("http://u/s") != CacheKey(method: "POST", url: "http://u/s", headers: [], body: nil))
        #expect(CacheKey(method: "POST", url: "http://u/s", headers: [], body: [1])
                != CacheKey(method: "POST", url: "http://u/s", headers: [], body: [2]))
        // Parts cannot run into each other.
        #expect(key("http://u/s", headers: [("a", "b")]) != key("http://u/s", headers: [("ab", "")]))
    }

    @Test func freshForTtlThenStaleThenGone() throws {
        var cache = ResponseCache<String>(capacity: 100_000)
        let k = key("http://u/s?q=1")
        let found1 = cache.lookup(k, now: 0)
        #expect(found1 == nil)
        let stored = cache.store(k, "answer", size: 100, freshness: try #require(freshness()), now: 1_000)
        #expect(stored)
        guard case .fresh("answer", let age)? = cache.lookup(k, now: 1_000 + 29 * Self.second) else {
            Issue.record("expected fresh"); return
        }
        #expect(age == 29 * Self.second)
        guard case .stale("answer", _)? = cache.lookup(k, now: 1_000 + 30 * Self.second) else {
            Issue.record("expected stale at the ttl"); return
        }
        let found2 = cache.lookup(k, now: 1_000 + 630 * Self.second)
        #expect(found2 == nil)
        #expect(cache.count == 0 && cache.bytes == 0, "an entry past its stale window is dropped")
    }

    @Test func cacheControlIsStricterWhereItSaysSo() throws {
        #expect(freshness("no-store") == nil)
        #expect(freshness("private, max-age=60") == nil)
        #expect(freshness("no-cache") == nil)
        #expect(freshness("public, max-age=10")?.freshFor == 10 * Self.second)
        // A larger max-age does not lengthen the route's ttl.
        #expect(freshness("max-age=3600")?.freshFor == 30 * Self.second)
        // s-maxage is for shared caches and wins over max-age.
        #expect(freshness("max-age=1, s-maxage=20")?.freshFor == 20 * Self.second)
        // Age counts: 25 s old at arrival with max-age 30 leaves 5 s.
        let aged = try #require(freshness("max-age=30", age: "25"))
        #expect(aged.freshFor == 5 * Self.second)
        // Older than its lifetime: only usable as stale; must-revalidate forbids even that.
        #expect(freshness("max-age=10", age: "20")?.freshFor == -10 * Self.second)
        #expect(freshness("max-age=10, must-revalidate", age: "20") == nil)
        #expect(freshness("max-age=10, must-revalidate")?.staleFor == 0)
        // Invalid max-age: stale at once.
        #expect(freshness("max-age=soon")?.freshFor == 0)
        #expect(freshness("MAX-AGE=\"7\"")?.freshFor == 7 * Self.second)
        #expect(CacheDirectives(headers: [("cache-control", "public"), ("cache-control", "no-store")]).noStore)
    }

    @Test func ageFromTheUpstreamIsInTheReportedAge() throws {
        var cache = ResponseCache<String>(capacity: 100_000)
        let k = key("http://u/a")
        cache.store(k, "v", size: 10, freshness: try #require(freshness(age: "4")), now: 0)
        let found3 = cache.lookup(k, now: Self.second)
        #expect(found3?.age == 5 * Self.second)
    }

    @Test func largerThanATenthIsNotStored() throws {
        var cache = ResponseCache<String>(capacity: 100_000)
        let fresh = try #require(freshness())
        let big = cache.store(key("http://u/big"), "big", size: 10_000, freshness: fresh, now: 0)
        #expect(!big)
        #expect(cache.count == 0)
        let small = cache.store(key("http://u/ok"), "ok", size: 9_000, freshness: fresh, now: 0)
        #expect(small)
    }

    @Test func replacingAnEntryKeepsOneCopy() throws {
        var cache = ResponseCache<String>(capacity: 100_000)
        let fresh = try #require(freshness())
        let k = key("http://u/a")
        cache.store(k, "one", size: 1_000, freshness: fresh, now: 0)
        cache.store(k, "two", size: 2_000, freshness: fresh, now: 1)
        #expect(cache.count == 1)
        let found4 = cache.lookup(k, now: 2)
        #expect(found4?.value == "two")
        #expect(cache.bytes == 2_000 + k.bytes.count + ResponseCache<String>.entryOverhead)
    }

    /// SIEVE: the hand evicts the oldest unvisited entry; visited ones get a second chance and
    /// stay where they are.
    @Test func sieveKeepsVisitedEntriesAndStaysWithinCapacity() throws {
        let entry = 900
        let cost = entry + key("http://u/0").bytes.count + ResponseCache<String>.entryOverhead
        var cache = ResponseCache<String>(capacity: cost * 10)  // ten entries, each the largest allowed
        let fresh = try #require(freshness())
        for index in 0..<10 { cache.store(key("http://u/\(index)"), "\(index)", size: entry, freshness: fresh, now: 0) }
        #expect(cache.count == 10)
        _ = cache.lookup(key("http://u/0"), now: 1)  // the oldest, but hot
        _ = cache.lookup(key("http://u/2"), now: 1)
        cache.store(key("http://u/a"), "a", size: entry, freshness: fresh, now: 2)
        let gone = cache.lookup(key("http://u/1"), now: 3)
        #expect(gone == nil, "the oldest unvisited entry goes")
        let kept = cache.lookup(key("http://u/0"), now: 3)
        #expect(kept != nil, "a visited entry gets a second chance")
        cache.store(key("http://u/b"), "b", size: entry, freshness: fresh, now: 4)
        // The hand moved on from where it stopped: 3 is the next unvisited one, 2 is skipped.
        let next = cache.lookup(key("http://u/3"), now: 5)
        #expect(next == nil)
        #expect(cache.evictions == 2)
        #expect(cache.bytes <= cache.capacity)
        #expect(cache.keysNewestFirst == ["b", "a", "9", "8", "7", "6", "5", "4", "2", "0"].map { key("http://u/\($0)") })
        for index in 10..<200 {
            cache.store(key("http://u/\(index)"), "\(index)", size: entry, freshness: fresh, now: Int64(index))
            #expect(cache.bytes <= cache.capacity)
        }
        #expect(cache.count == 10)
    }

    @Test func removeAllEmptiesIt() throws {
        var cache = ResponseCache<String>(capacity: 100_000)
        cache.store(key("http://u/a"), "a", size: 10, freshness: try #require(freshness()), now: 0)
        cache.removeAll()
        #expect(cache.count == 0 && cache.bytes == 0)
        let found8 = cache.lookup(key("http://u/a"), now: 0)
        #expect(found8 == nil)
        cache.store(key("http://u/b"), "b", size: 10, freshness: try #require(freshness()), now: 0)
        let found9 = cache.lookup(key("http://u/b"), now: 0)
        #expect(found9?.value == "b")
    }
}

extension ResponseCache.Lookup: Equatable where Value: Equatable {
    public static func == (lhs: Self, rhs: Self) -> Bool {
        switch (lhs, rhs) {
        case (.fresh(let a, let x), .fresh(let b, let y)), (.stale(let a, let x), .stale(let b, let y)):
            return a == b && x == y
        default:
            return false
        }
    }
}
