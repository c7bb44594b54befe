/// The admin listener's `GET /`: a self-refreshing HTML overview of routes and upstream health.
/// Everything inline (no scripts, no external assets), every piece of text escaped.
struct StatusPage: Sendable {
    var routes: [RouteHealth]
    var inFlight: Int
    var maxInFlight: Int
    var draining: Bool

    func html() -> String {
        var page = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="2">
        <title>gather status</title>
        <style>
        body{font:14px system-ui,sans-serif;margin:1.5em;color:#222}
        table{border-collapse:collapse;margin:.5em 0 1.5em}
        th,td{border:1px solid #ccc;padding:.25em .6em;text-align:right}
        th:first-child,td:first-child{text-align:left}
        th{background:#f3f3f3}
        .closed{color:#176f2c}.open{color:#b00020;font-weight:bold}.half_open{color:#b36b00}.off{color:#777}
        .muted{color:#666}
        </style></head><body>
        <h1>gather</h1>

        """
        page += "<p>\(draining ? "<strong class=\"open\">draining</strong>" : "<span class=\"closed\">ready</span>")"
        page += " · routes loaded: \(routes.count) · requests in flight: \(inFlight) / \(maxInFlight)</p>\n"
        if routes.isEmpty { page += "<p class=\"muted\">No routes loaded.</p>\n" }
        for route in routes { page += section(route) }
        page += "<p class=\"muted\">Refreshes every 2 s. JSON: <a href=\"/upstreams\">/upstreams</a> · "
            + "<a href=\"/routes\">/routes</a> · <a href=\"/metrics\">/metrics</a></p>\n</body></html>\n"
        return page
    }

    private func section(_ route: RouteHealth) -> String {
        var html = "<h2>\(HTMLText.escape(route.name))</h2>\n"
        html += "<p class=\"muted\">\(HTMLText.escape(route.method)) \(HTMLText.escape(route.path))"
        html += " · complete: \(HTMLText.escape(route.complete)) · merge: \(HTMLText.escape(route.merge))"
        html += " · deadline: \(HTMLText.milliseconds(route.deadlineMs)) ms</p>\n"
        html += "<table><tr><th>upstream</th><th>replicas</th><th>in flight</th><th>samples</th>"
        html += "<th>p50 ms</th><th>p95 ms</th><th>p99 ms</th><th>hedge delay ms</th><th>circuit</th>"
        html += "<th>attempts</th><th>hedges</th><th>retries</th><th>failures</th><th>skips</th></tr>\n"
        for upstream in route.upstreams {
            let limit = upstream.maxInFlight.map { " / \($0)" } ?? ""
            let circuit = HTMLText.escape(upstream.circuit)
            html += "<tr><td>\(HTMLText.escape(upstream.name))</td><td>\(upstream.replicas)</td>"
            html += "<td>\(upstream.inFlight)\(limit)</td><td>\(upstream.samples)</td>"
            html += "<td>\(HTMLText.milliseconds(upstream.p50Ms))</td><td>\(HTMLText.milliseconds(upstream.p95Ms))</td>"
            html += "<td>\(HTMLText.milliseconds(upstream.p99Ms))</td><td>\(HTMLText.milliseconds(upstream.hedgeDelayMs))</td>"
            html += "<td class=\"\(circuit)\">\(circuit)</td><td>\(upstream.attempts)</td><td>\(upstream.hedges)</td>"
            html += "<td>\(upstream.retries)</td><td>\(upstream.failures)</td><td>\(upstream.skips)</td></tr>\n"
        }
        html += "</table>\n"
        return html
    }
}
