// Placeholder replaced by the merge micro-benchmark.
print("GatherBench")
