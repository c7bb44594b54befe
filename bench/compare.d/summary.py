#!/usr/bin/env python3
"""Summary tables of bench/compare (markdown, ready for BENCHMARKS.md).

    summary.py RUN_DIR

Reads RUN_DIR/closed.tsv (one line per wrk run: job target round rps cpu_us p50_us p99_us
p999_us errors other_pct busy_pct softirq_us load), RUN_DIR/allocs.tsv (job target requests allocs frees bytes) and
RUN_DIR/latency.tsv (job target rate requests p50 p99 p999 max lag errors cpu_us other_pct), whichever exist.
Medians over rounds; the ratio rows put gather beside its peer for the same job.
"""
import os
import statistics
import sys

# A round is "quiet" when other processes took at most this share of the gateway's core: req/s
# of the other rounds is understated (CPU per request much less so).
QUIET_OTHER_PCT = 20.0

# Job, gather's target, the peer's target, how to read the comparison.
PAIRS = [
    ("search", "gather", "nginx-lua", "gather / nginx-lua (3 upstreams, fuse rrf, top 10)"),
    ("tiny1", "gather", "nginx-proxy", "gather / nginx proxy_pass (1 tiny upstream)"),
    ("tiny3", "gather", "nginx-lua", "gather / nginx-lua (3 tiny upstreams, concat)"),
]


def rows(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [line.rstrip("\n").split("\t") for line in f if line.strip()]


def main():
    run = sys.argv[1]
    closed, allocs, latency = {}, {}, []
    for job, target, _round, rps, cpu, p50, p99, p999, errors, other, busy, sirq, _load in rows(os.path.join(run, "closed.tsv")):
        entry = closed.setdefault((job, target), {"rps": [], "cpu": [], "p50": [], "p99": [], "errors": 0, "other": [],
                                                  "busy": [], "sirq": []})
        entry["rps"].append(float(rps))
        entry["cpu"].append(float(cpu))
        entry["p50"].append(float(p50) / 1000)
        entry["p99"].append(float(p99) / 1000)
        entry["errors"] += int(errors)
        entry["other"].append(float(other))
        entry["busy"].append(float(busy))
        entry["sirq"].append(float(sirq))
    for job, target, requests, count, frees, size in rows(os.path.join(run, "allocs.tsv")):
        requests = max(1, int(requests))
        allocs[(job, target)] = (int(count) / requests, int(frees) / requests, int(size) / requests)
    latency = rows(os.path.join(run, "latency.tsv"))

    if closed:
        rounds = max(len(v["rps"]) for v in closed.values())
        print(f"Closed loop (wrk), median of {rounds} rounds (range in brackets); 'quiet rounds': the median over rounds where other "
              f"processes took ≤ {QUIET_OTHER_PCT:.0f}% of the gateway's core (n = how many); allocations from a separate run under the counter:")
        print()
        print("| job | target | req/s | req/s, quiet rounds | gateway CPU µs/req | + softirq µs/req | allocs/req | frees/req | KB malloc'd/req | p50 | p99 | gateway busy | others on its core | errors |")
        print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for (job, target), v in closed.items():
            a = allocs.get((job, target))
            alloc_cells = (f"{a[0]:,.1f} | {a[1]:,.1f} | {a[2] / 1024:,.1f}" if a else "– | – | –")
            quiet = [rps for rps, other in zip(v["rps"], v["other"]) if other <= QUIET_OTHER_PCT]
            quiet_cell = f"{statistics.median(quiet):,.0f} (n={len(quiet)})" if quiet else "– (n=0)"
            print(f"| {job} | {target} | {statistics.median(v['rps']):,.0f} ({min(v['rps']):,.0f}–{max(v['rps']):,.0f}) | {quiet_cell} | "
                  f"{statistics.median(v['cpu']):,.1f} ({min(v['cpu']):,.1f}–{max(v['cpu']):,.1f}) | "
                  f"{statistics.median(v['sirq']):,.1f} | {alloc_cells} | "
                  f"{statistics.median(v['p50']):.2f} ms | {statistics.median(v['p99']):.2f} ms | "
                  f"{statistics.median(v['busy']):.0f}% | {statistics.median(v['other']):.0f}% | {v['errors']} |")
        print()
        print("| comparison | throughput ratio (all rounds) | throughput ratio (quiet rounds) | CPU per request ratio |")
        print("|---|---:|---:|---:|")
        for job, ours, peer, label in PAIRS:
            a, b = closed.get((job, ours)), closed.get((job, peer))
            if a and b:
                qa = [r for r, o in zip(a["rps"], a["other"]) if o <= QUIET_OTHER_PCT]
                qb = [r for r, o in zip(b["rps"], b["other"]) if o <= QUIET_OTHER_PCT]
                quiet = f"{statistics.median(qa) / statistics.median(qb):.2f}×" if qa and qb else "–"
                print(f"| {label} | {statistics.median(a['rps']) / statistics.median(b['rps']):.2f}× | {quiet} | "
                      f"{statistics.median(a['cpu']) / statistics.median(b['cpu']):.2f}× |")
        print()
    elif allocs:
        print("| job | target | allocs/req | frees/req | KB malloc'd/req |")
        print("|---|---|---:|---:|---:|")
        for (job, target), a in allocs.items():
            print(f"| {job} | {target} | {a[0]:,.1f} | {a[1]:,.1f} | {a[2] / 1024:,.1f} |")
        print()

    if latency:
        print("Open loop (fixed rate, latency from the intended send time):")
        print()
        print("| job | target | rate | requests | p50 | p99 | p99.9 | max | generator send lag p99 | gateway CPU µs/req | others on its core | errors |")
        print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for job, target, rate, requests, p50, p99, p999, top, lag, errors, cpu, other in latency:
            print(f"| {job} | {target} | {float(rate):,.0f}/s | {int(requests):,} | {float(p50):.2f} ms | {float(p99):.2f} ms | "
                  f"{float(p999):.2f} ms | {float(top):.2f} ms | {float(lag):.2f} ms | {float(cpu):,.1f} | {float(other):.0f}% | {errors} |")
        print()


if __name__ == "__main__":
    main()
