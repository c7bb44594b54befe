#!/usr/bin/env python3
"""Summary tables of bench/compare (markdown, ready for BENCHMARKS.md).

    summary.py RUN_DIR

Reads whichever of these exist in RUN_DIR (tab-separated, written by bench/compare):
  closed.tsv   one wrk run per line: job target round rps cpu_us p50_us p99_us p999_us errors
               other_gw_pct other_load_pct softirq_us busy_pct
  allocs.tsv   job target requests allocations frees bytes
  latency.tsv  one open-loop run per line: job target rate requests p50_ms p99_ms p999_ms max_ms
               send_lag_p99_ms errors cpu_us other_gw_pct other_load_pct valid
Closed loop: medians over rounds, and req/s over the quiet rounds alone (other processes took
≤ QUIET% of each core); the ratio rows put gather beside its peer for the same job.
Open loop: medians over the valid runs (the generator sent on time), else over all, said so.
"""
import os
import statistics
import sys

# A run is quiet when other processes took at most this share of each core (bench/compare's
# QUIET_LIMIT): req/s of the other runs is understated, CPU per request much less so.
QUIET = 20.0

# Job, gather's target, the peer's target, what the comparison is.
PAIRS = [
    ("search", "gather", "nginx-lua", "search: gather / nginx-lua (3 upstreams, fuse rrf, top 10)"),
    ("tiny1", "gather", "nginx-proxy", "tiny1: gather / nginx proxy_pass (1 tiny upstream)"),
    ("tiny3", "gather", "nginx-lua", "tiny3: gather / nginx-lua (3 tiny upstreams, concat)"),
]


def rows(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [line.rstrip("\n").split("\t") for line in f if line.strip()]


def median(values):
    return statistics.median(values) if values else float("nan")


def closed_loop(run, allocs):
    closed = {}
    for (job, target, _round, rps, cpu, p50, p99, _p999, errors, other_gw, other_ld, sirq, busy) in rows(
            os.path.join(run, "closed.tsv")):
        entry = closed.setdefault((job, target), {k: [] for k in ("rps", "cpu", "p50", "p99", "quiet", "sirq", "busy")})
        entry.setdefault("errors", 0)
        entry["rps"].append(float(rps))
        entry["cpu"].append(float(cpu))
        entry["p50"].append(float(p50) / 1000)
        entry["p99"].append(float(p99) / 1000)
        entry["quiet"].append(float(other_gw) <= QUIET and float(other_ld) <= QUIET)
        entry["sirq"].append(float(sirq))
        entry["busy"].append(float(busy))
        entry["errors"] += int(errors)
    if not closed:
        return
    rounds = max(len(v["rps"]) for v in closed.values())
    print(f"Closed loop (wrk): median of {rounds} rounds, range in brackets; \"quiet\": median over the rounds where "
          f"other processes took ≤ {QUIET:.0f}% of each core (n of them); allocations from a separate run under the "
          f"malloc counter.")
    print()
    print("| job | target | req/s | req/s, quiet rounds | gateway CPU µs/req | + softirq µs/req | allocs/req "
          "| KB malloc'd/req | p50 | p99 | gateway busy | errors |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for (job, target), v in closed.items():
        quiet = [rps for rps, q in zip(v["rps"], v["quiet"]) if q]
        a = allocs.get((job, target))
        print(f"| {job} | {target} | {median(v['rps']):,.0f} ({min(v['rps']):,.0f}–{max(v['rps']):,.0f}) | "
              f"{f'{median(quiet):,.0f}' if quiet else '–'} (n={len(quiet)}) | "
              f"{median(v['cpu']):,.1f} ({min(v['cpu']):,.1f}–{max(v['cpu']):,.1f}) | {median(v['sirq']):,.1f} | "
              f"{f'{a[0]:,.1f}' if a else '–'} | {f'{a[2] / 1024:,.1f}' if a else '–'} | "
              f"{median(v['p50']):.2f} ms | {median(v['p99']):.2f} ms | {median(v['busy']):.0f}% | {v['errors']} |")
    print()
    print("| comparison | req/s ratio | req/s ratio, quiet rounds | CPU/req ratio | allocs/req ratio |")
    print("|---|---:|---:|---:|---:|")
    for job, ours, peer, label in PAIRS:
        a, b = closed.get((job, ours)), closed.get((job, peer))
        if not (a and b):
            continue
        qa = [r for r, q in zip(a["rps"], a["quiet"]) if q]
        qb = [r for r, q in zip(b["rps"], b["quiet"]) if q]
        quiet = f"{median(qa) / median(qb):.2f}×" if qa and qb else "–"
        aa, ab = allocs.get((job, ours)), allocs.get((job, peer))
        alloc_ratio = f"{aa[0] / ab[0]:.0f}×" if aa and ab and ab[0] > 0 else "–"
        print(f"| {label} | {median(a['rps']) / median(b['rps']):.2f}× | {quiet} | "
              f"{median(a['cpu']) / median(b['cpu']):.2f}× | {alloc_ratio} |")
    print()


def allocations_only(allocs):
    print("| job | target | allocs/req | frees/req | KB malloc'd/req |")
    print("|---|---|---:|---:|---:|")
    for (job, target), a in allocs.items():
        print(f"| {job} | {target} | {a[0]:,.1f} | {a[1]:,.1f} | {a[2] / 1024:,.1f} |")
    print()


def open_loop(run):
    runs = {}
    for (job, target, rate, requests, p50, p99, p999, top, lag, errors, cpu, other_gw, other_ld, valid) in rows(
            os.path.join(run, "latency.tsv")):
        runs.setdefault((job, target, rate), []).append({
            "requests": int(requests), "p50": float(p50), "p99": float(p99), "p999": float(p999), "max": float(top),
            "lag": float(lag), "errors": int(errors), "cpu": float(cpu), "valid": valid == "yes",
            "quiet": float(other_gw) <= QUIET and float(other_ld) <= QUIET})
    if not runs:
        return
    print("Open loop (fixed rate, latency from the intended send time): medians over the valid runs (generator send "
          "lag p99 ≤ 1 ms), else over all runs (marked).")
    print()
    print("| job | target | rate | runs (valid, quiet) | p50 | p99 | p99.9 | max | gateway CPU µs/req | errors |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for (job, target, rate), all_runs in runs.items():
        chosen = [r for r in all_runs if r["valid"]] or all_runs
        mark = "" if any(r["valid"] for r in all_runs) else " (no valid run)"
        print(f"| {job} | {target} | {float(rate):,.0f}/s | {len(all_runs)} ({sum(r['valid'] for r in all_runs)}, "
              f"{sum(r['quiet'] for r in all_runs)}){mark} | {median([r['p50'] for r in chosen]):.2f} ms | "
              f"{median([r['p99'] for r in chosen]):.2f} ms | {median([r['p999'] for r in chosen]):.2f} ms | "
              f"{max(r['max'] for r in chosen):.2f} ms | {median([r['cpu'] for r in chosen]):,.1f} | "
              f"{sum(r['errors'] for r in all_runs)} |")
    print()


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    run = sys.argv[1]
    allocs = {}
    for job, target, requests, count, frees, size in rows(os.path.join(run, "allocs.tsv")):
        requests = max(1, int(requests))
        allocs[(job, target)] = (int(count) / requests, int(frees) / requests, int(size) / requests)
    if os.path.exists(os.path.join(run, "closed.tsv")):
        closed_loop(run, allocs)
    elif allocs:
        allocations_only(allocs)
    open_loop(run)


if __name__ == "__main__":
    main()
