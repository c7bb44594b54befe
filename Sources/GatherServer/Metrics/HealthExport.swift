import GatherCore
import Prometheus

/// Turns the counts kept by upstreams' live health into Prometheus series at scrape time.
///
/// A health's counts start at zero whenever a reload gives the upstream a new `UpstreamHealth`,
/// while a Prometheus counter must only grow: each scrape adds what every tracked health counted
/// since the previous scrape. A health replaced by a reload stays tracked until its last attempt
/// has ended, so requests still running on the old routes are counted too.
struct HealthExport {
    private struct Tracked {
        let health: UpstreamHealth
        let series: UpstreamSeries
        /// Per `HealthCounterField.all`: the values already added to the counters.
        var exported: [Int]
    }

    private var tracked: [ObjectIdentifier: Tracked] = [:]
    /// Every in-flight gauge ever bound, so one whose upstream is gone reads 0 rather than its last value.
    private var inFlightGauges: [ObjectIdentifier: Gauge] = [:]

    /// Called for every upstream of every loaded route; the same health twice is tracked once.
    mutating func track(_ health: UpstreamHealth, series: UpstreamSeries) {
        let key = ObjectIdentifier(health)
        if tracked[key] == nil {
            tracked[key] = Tracked(health: health, series: series,
                                   exported: Array(repeating: 0, count: HealthCounterField.all.count))
        }
        inFlightGauges[ObjectIdentifier(series.inFlight)] = series.inFlight
    }

    /// Brings the counters and gauges up to date; `live` holds the healths of the routes served now.
    mutating func export(live: Set<ObjectIdentifier>) {
        var inFlight: [ObjectIdentifier: Int] = [:]
        for (key, var entry) in tracked {
            let snapshot = entry.health.snapshot()
            for (index, field) in HealthCounterField.all.enumerated() {
                let value = field.value(snapshot)
                if value > entry.exported[index] {
                    entry.series.healthCounters[index].increment(by: Int64(value - entry.exported[index]))
                    entry.exported[index] = value
                }
            }
            inFlight[ObjectIdentifier(entry.series.inFlight), default: 0] += snapshot.inFlight
            if live.contains(key) || snapshot.inFlight > 0 {
                tracked[key] = entry
            } else {
                tracked[key] = nil
            }
        }
        for (key, gauge) in inFlightGauges {
            gauge.set(Int64(inFlight[key] ?? 0))
        }
    }
}
