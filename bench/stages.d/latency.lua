-- wrk reporter: mean and percentiles of one closed-loop connection (microseconds).
done = function(summary, latency, requests)
  io.write(string.format("RESULT requests=%d mean_us=%.1f p50_us=%d p99_us=%d errors=%d non2xx=%d\n",
    summary.requests, latency.mean, latency:percentile(50), latency:percentile(99),
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
