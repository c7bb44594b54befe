import GatherCore
import Prometheus

/// The upstream caches' counts as Prometheus series at scrape time, so requests pay nothing
/// for them: `gather_upstream_cache_total{route,upstream,result}`, the entries and bytes
/// gauges and the evictions counter. A cache a reload replaced starts its counts at zero; the
/// counters only add what each cache counted since the last scrape, so they never go back.
struct CacheExport {
    private struct Series {
        let results: [Counter]
        let entries: Gauge
        let bytes: Gauge
        let evictions: Counter
    }

    private struct Exported {
        var results: [Int]
        var evictions: Int
    }

    static var results: MetricNameDescriptor { MetricNameDescriptor(
        namespace: "gather", metricName: "upstream_cache", unitName: "total",
        helpText: "How each cached upstream was served per answer: miss, hit, stale or coalesced.") }
    static var entries: MetricNameDescriptor { MetricNameDescriptor(
        namespace: "gather", metricName: "upstream_cache_entries", unitName: "",
        helpText: "Answers stored in the upstream's cache.") }
    static var bytes: MetricNameDescriptor { MetricNameDescriptor(
        namespace: "gather", metricName: "upstream_cache_bytes", unitName: "",
        helpText: "Bytes the upstream's cache holds (bodies, their indexes, keys), at most its max_size.") }
    static var evictions: MetricNameDescriptor { MetricNameDescriptor(
        namespace: "gather", metricName: "upstream_cache_evictions", unitName: "total",
        helpText: "Entries evicted (SIEVE) to keep the upstream's cache within its max_size.") }

    private var series: [String: Series] = [:]
    private var exported: [ObjectIdentifier: Exported] = [:]

    mutating func export(_ routes: LiveRoutes, registry: PrometheusCollectorRegistry) {
        var live = Set<ObjectIdentifier>()
        for route in routes.routes {
            guard let runtime = routes.runtimes[route.name] else { continue }
            for upstream in runtime.upstreams {
                guard let cache = upstream.cache, cache.spec != nil else { continue }
                let id = ObjectIdentifier(cache)
                // A block's shards share one cache: exported once, under the block's name.
                guard live.insert(id).inserted else { continue }
                let name = route.name + "\u{0}" + upstream.cacheName
                let bound = series[name] ?? Self.makeSeries(route: route.name, upstream: upstream.cacheName, registry: registry)
                series[name] = bound
                let snapshot = cache.snapshot
                var done = exported[id] ?? Exported(results: Array(repeating: 0, count: CacheResult.allCases.count), evictions: 0)
                for (position, result) in CacheResult.allCases.enumerated() {
                    let value = snapshot.results[result] ?? 0
                    if value > done.results[position] {
                        bound.results[position].increment(by: Int64(value - done.results[position]))
                        done.results[position] = value
                    }
                }
                if snapshot.evictions > done.evictions {
                    bound.evictions.increment(by: Int64(snapshot.evictions - done.evictions))
                    done.evictions = snapshot.evictions
                }
                exported[id] = done
                bound.entries.set(Int64(snapshot.entries))
                bound.bytes.set(Int64(snapshot.bytes))
            }
        }
        exported = exported.filter { live.contains($0.key) }
    }

    private static func makeSeries(route: String, upstream: String, registry: PrometheusCollectorRegistry) -> Series {
        let labels = [("route", route), ("upstream", upstream)]
        return Series(
            results: CacheResult.allCases.map {
                registry.makeCounter(descriptor: results, labels: labels + [("result", $0.rawValue)])
            },
            entries: registry.makeGauge(descriptor: entries, labels: labels),
            bytes: registry.makeGauge(descriptor: bytes, labels: labels),
            evictions: registry.makeCounter(descriptor: evictions, labels: labels))
    }
}
