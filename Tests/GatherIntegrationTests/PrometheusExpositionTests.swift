import Testing

/// The test-support parser must reject what a Prometheus server would, or the metrics tests
/// could pass on a broken exposition.
@Suite("The test-support Prometheus text parser")
struct PrometheusExpositionTests {
    @Test("labels with escapes, histograms by family, exact label-set lookup")
    func parsesSamples() throws {
        let text = """
            # HELP x_total Things.
            # TYPE x_total counter
            x_total{route="a\\"b\\\\c",code="200"} 3
            # TYPE h_seconds histogram
            h_seconds_bucket{le="+Inf"} 2
            h_seconds_sum 0.5
            h_seconds_count 2
            # TYPE g gauge
            g 1.0
            """
        let parsed = try PrometheusExposition(text)
        #expect(parsed.value("x_total", ["route": #"a"b\c"#, "code": "200"]) == 3)
        #expect(parsed.value("x_total", ["route": #"a"b\c"#]) == nil, "labels must match exactly")
        #expect(parsed.value("h_seconds_bucket", ["le": "+Inf"]) == 2)
        #expect(parsed.value("h_seconds_sum") == 0.5)
        #expect(parsed.value("g") == 1)
        #expect(parsed.types == ["x_total": "counter", "h_seconds": "histogram", "g": "gauge"])
    }

    @Test("a duplicate series, a sample without TYPE, a broken label or value is an error",
          arguments: [
            "# TYPE a counter\na 1\na 2",
            "a 1",
            "# TYPE a counter\na{x=\"1} 1",
            "# TYPE a counter\na{x=1} 1",
            "# TYPE a counter\na one",
            "# TYPE a counter\na{x=\"1\",x=\"2\"} 1",
          ])
    func rejectsMalformed(text: String) {
        #expect(throws: PrometheusExposition.FormatError.self) { try PrometheusExposition(text) }
    }
}
