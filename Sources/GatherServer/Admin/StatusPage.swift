/// The admin listener's `GET /`: a self-refreshing HTML overview of routes and upstream health.
/// Everything inline (no scripts, no external assets), every piece of text escaped.
struct StatusPage: Sendable {
    var routes: [RouteHealth]
    var inFlight: Int
    var maxInFlight: Int
    var draining: Bool

    /// Inline, so the page works with no network, behind any proxy, and from a saved copy.
    private static let style = """
    :root{--ink:#1d232b;--muted:#6b7582;--line:#e3e7ec;--bg:#f4f6f8;--ok:#17803d;--warn:#b45d00;--bad:#c0262d}
    *{box-sizing:border-box}
    body{margin:0;padding:24px 32px;background:var(--bg);color:var(--ink);font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
    header{display:flex;align-items:baseline;gap:14px;margin-bottom:18px}
    h1{font-size:24px;margin:0;letter-spacing:-.02em}
    h2{font-size:17px;margin:0}
    .badge{display:inline-block;padding:2px 10px;border-radius:999px;font-size:12px;font-weight:600;text-transform:uppercase;letter-spacing:.04em}
    .badge.ready{background:#dcf3e3;color:var(--ok)}.badge.draining{background:#fbe0e1;color:var(--bad)}
    .muted{color:var(--muted)}
    .cards{display:flex;gap:14px;margin-bottom:20px}
    .card,section{background:#fff;border:1px solid var(--line);border-radius:10px}
    .card{padding:12px 16px;min-width:170px}
    .card .label{font-size:12px;color:var(--muted);text-transform:uppercase;letter-spacing:.04em}
    .card .value{font-size:24px;font-weight:600;font-variant-numeric:tabular-nums}
    .card .value small{font-size:14px;color:var(--muted);font-weight:400}
    .meter{height:5px;background:var(--line);border-radius:3px;margin-top:6px;overflow:hidden}
    .meter span{display:block;height:100%;background:var(--ok)}
    section{margin-bottom:16px;overflow-x:auto}
    .head{display:flex;align-items:baseline;gap:14px;padding:12px 16px 10px}
    .head code{font:13px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:var(--bg);padding:1px 6px;border-radius:4px}
    table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}
    th,td{padding:6px 9px;text-align:right;white-space:nowrap}
    th:first-child,td:first-child{text-align:left;padding-left:16px}
    th{font-size:11px;font-weight:600;color:var(--muted);text-transform:uppercase;letter-spacing:.04em;background:#fafbfc;border-top:1px solid var(--line);border-bottom:1px solid var(--line)}
    tr+tr td{border-top:1px solid var(--line)}
    td:first-child{font-weight:600}
    .zero{color:#b3bac3}.bad{color:var(--bad);font-weight:600}.warn{color:var(--warn);font-weight:600}
    .pill{display:inline-block;min-width:64px;text-align:center;padding:1px 8px;border-radius:999px;font-size:12px;font-weight:600}
    .pill.closed{background:#dcf3e3;color:var(--ok)}.pill.open{background:#fbe0e1;color:var(--bad)}
    .pill.half_open{background:#fdebd3;color:var(--warn)}.pill.off{background:#eef0f3;color:var(--muted)}
    footer{margin-top:8px;font-size:13px}
    a{color:#2457c5}
    """

    func html() -> String {
        var page = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="2">
        <meta name="viewport" content="width=device-width,initial-scale=1">
        <title>gather status</title>
        <style>
        \(Self.style)
        </style></head><body>

        """
        let state = draining ? "draining" : "ready"
        page += "<header><h1>gather</h1><span class=\"badge \(state)\">\(state)</span>"
        page += "<span class=\"muted\">refreshes every 2 s</span></header>\n"
        page += summary()
        if routes.isEmpty { page += "<p class=\"muted\">No routes loaded.</p>\n" }
        for route in routes { page += section(route) }
        page += "<footer class=\"muted\">The same as JSON: <a href=\"/upstreams\">/upstreams</a> · "
            + "<a href=\"/routes\">/routes</a> · Prometheus: <a href=\"/metrics\">/metrics</a></footer>\n</body></html>\n"
        return page
    }

    private func summary() -> String {
        let upstreams = routes.flatMap(\.upstreams)
        let open = upstreams.filter { $0.circuit == "open" }.count
        let used = maxInFlight > 0 ? min(100, Double(inFlight) * 100 / Double(maxInFlight)) : 0
        var html = "<div class=\"cards\">\n"
        html += card(label: "routes loaded", value: "\(routes.count)")
        html += card(label: "upstreams", value: "\(upstreams.count)")
        html += card(label: "requests in flight", value: "\(inFlight) <small>/ \(maxInFlight)</small>",
                     extra: "<div class=\"meter\"><span style=\"width:\((used * 10).rounded() / 10)%\"></span></div>")
        html += card(label: "circuits open", value: open > 0 ? "<span class=\"bad\">\(open)</span>" : "0")
        return html + "</div>\n"
    }

    private func card(label: String, value: String, extra: String = "") -> String {
        "<div class=\"card\"><div class=\"label\">\(label)</div><div class=\"value\">\(value)</div>\(extra)</div>\n"
    }

    private func section(_ route: RouteHealth) -> String {
        var html = "<section><div class=\"head\"><h2>\(HTMLText.escape(route.name))</h2>"
        html += "<code>\(HTMLText.escape(route.method)) \(HTMLText.escape(route.path))</code>"
        html += "<span class=\"muted\">complete \(HTMLText.escape(route.complete)) · merge \(HTMLText.escape(route.merge))"
        html += " · deadline \(Self.wholeMilliseconds(route.deadlineMs)) ms</span></div>\n"
        html += "<table><tr><th>upstream</th><th>circuit</th><th>in flight</th><th>samples</th>"
        html += "<th>p50 ms</th><th>p95 ms</th><th>p99 ms</th><th>hedge after ms</th>"
        html += "<th>attempts</th><th>hedges</th><th>retries</th><th title=\"hedges and retries due but not sent: "
        html += "budget spent, circuit not closed or max_in_flight\">refused</th><th>failures</th><th>skips</th>"
        html += "<th>replicas</th><th title=\"hits and coalesced answers of all answers; entries and bytes held\">cache</th></tr>\n"
        for (index, upstream) in route.upstreams.enumerated() {
            let limit = upstream.maxInFlight.map { " / \($0)" } ?? ""
            let circuit = HTMLText.escape(upstream.circuit)
            html += "<tr><td>\(HTMLText.escape(upstream.name))</td>"
            html += "<td><span class=\"pill \(circuit)\">\(circuit.replacingOccurrences(of: "_", with: " "))</span></td>"
            html += "<td>\(count(upstream.inFlight))\(limit)</td><td>\(count(upstream.samples))</td>"
            html += "<td>\(HTMLText.milliseconds(upstream.p50Ms))</td><td>\(HTMLText.milliseconds(upstream.p95Ms))</td>"
            html += "<td>\(HTMLText.milliseconds(upstream.p99Ms))</td><td>\(HTMLText.milliseconds(upstream.hedgeDelayMs))</td>"
            html += "<td>\(count(upstream.attempts))</td><td>\(count(upstream.hedges))</td><td>\(count(upstream.retries))</td>"
            html += "<td>\(count(upstream.hedgesRefused + upstream.retriesRefused, alert: "warn"))</td>"
            html += "<td>\(count(upstream.failures, alert: "bad"))</td><td>\(count(upstream.skips, alert: "warn"))</td>"
            html += "<td>\(upstream.replicas)</td><td>\(cacheCell(index < route.caches.count ? route.caches[index] : nil))</td></tr>\n"
        }
        html += "</table></section>\n"
        return html
    }

    /// `87% hits · 120 entries · 1.2 MiB`, or a faded dash for an upstream without a cache.
    private func cacheCell(_ cache: UpstreamCache.Snapshot?) -> String {
        guard let cache else { return "<span class=\"zero\">–</span>" }
        let rate = cache.hitRate.map { "\(Int(($0 * 100).rounded()))% hits" } ?? "no answers yet"
        let mebibytes = Double(cache.bytes) / Double(1 << 20)
        return "\(rate) · \(cache.entries) entries · \(HTMLText.milliseconds(mebibytes)) MiB"
    }

    /// Deadlines are whole milliseconds almost always: `300`, not `300.0`.
    static func wholeMilliseconds(_ value: Double) -> String {
        value.isFinite && value == value.rounded() && abs(value) < 1e12 ? String(Int(value)) : HTMLText.milliseconds(value)
    }

    /// Zeros fade so that the numbers that matter stand out; failures and skips are coloured.
    private func count(_ value: Int, alert: String? = nil) -> String {
        if value == 0 { return "<span class=\"zero\">0</span>" }
        guard let alert else { return "\(value)" }
        return "<span class=\"\(alert)\">\(value)</span>"
    }
}
