#!/usr/bin/env python3
"""Open-loop load with a query mix, for the cache benchmark (bench/cache/run). Stdlib only.

    load.py measure --base URL --admin URL --route NAME --path /zipf/cache --label NAME --out DIR
                    [--terms zipf|one|unique|uniform] [--vocabulary 10000] [--zipf-s 1.1]
                    [--rate 300] [--seconds 30] [--warmup 30] [--warmup-terms sweep] [--seed 7]
                    [--gateway-pid N]
    load.py table DIR LABEL...

Request i is due at start + i / rate whatever happened before it (open loop); latency runs from
that intended time to the last byte. `?q=` is drawn per request: `zipf` (rank r with weight
1/r^s over the vocabulary), `one` (always the same term: every request a hit once warm),
`unique` (never the same term twice: every request a miss), `uniform` (any term of the
vocabulary alike). The warm-up runs the same mix (not measured), or with `--warmup-terms sweep`
every term of the vocabulary twice in order, so every query has been seen before.

Upstream calls per client request: the route's admin /upstreams `attempts` (requests the
upstreams received: primaries, hedges, retries; hits and coalesced answers send none) before
and after the measured phase, over the answers. CPU per request: the gateway's user + system
CPU over the measured phase, over the answers. Also per answer: partial, stale, and each
upstream's `cache` member.
"""
import argparse
import asyncio
import bisect
import importlib.util
import json
import os
import random
import sys
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("tail_load", os.path.join(HERE, "..", "tail", "load.py"))
tail = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(tail)

REQUEST_TIMEOUT_S = 10.0


class Terms:
    def __init__(self, mode, vocabulary, s, seed):
        self.mode, self.vocabulary = mode, vocabulary
        self.random = random.Random(seed)
        self.next_unique = 0
        if mode == "zipf":
            total, self.cdf = 0.0, []
            for rank in range(1, vocabulary + 1):
                total += 1.0 / rank ** s
                self.cdf.append(total)
            self.total = total

    def draw(self):
        if self.mode == "one":
            return "t1"
        if self.mode == "unique":
            self.next_unique += 1
            return f"u{self.next_unique}-{self.random.getrandbits(32)}"
        if self.mode == "uniform":
            return f"t{self.random.randrange(1, self.vocabulary + 1)}"
        return f"t{bisect.bisect_left(self.cdf, self.random.random() * self.total) + 1}"


def admin_attempts(admins, route):
    """The route's upstream attempts summed over every instance (`--admin` may list several, comma-separated)."""
    total = 0
    for admin in admins.split(","):
        with urllib.request.urlopen(f"{admin}/upstreams", timeout=5) as response:
            document = json.load(response)
        routes = [entry for entry in document.get("routes", []) if entry.get("name") == route]
        if not routes:
            raise SystemExit(f"admin /upstreams of {admin} has no route named {route!r}")
        total += sum(int(upstream.get("attempts") or 0) for upstream in routes[0].get("upstreams", []))
    return total


def rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


async def one(pool, host, path, term, intended, records):
    loop = asyncio.get_running_loop()
    record = {"intended": intended, "done": None, "status": None, "error": None}
    request = (f"GET {path}?q={term} HTTP/1.1\r\nHost: {host}\r\n\r\n").encode()
    connection = None
    try:
        connection = await pool.take()
        reader, writer = connection
        writer.write(request)
        status, keep_alive, body = await asyncio.wait_for(tail.read_response(reader), REQUEST_TIMEOUT_S)
        record["done"], record["status"] = loop.time(), status
        if keep_alive:
            pool.give_back(connection)
        else:
            writer.close()
        connection = None
        envelope = json.loads(body)
        record["partial"] = bool(envelope.get("partial"))
        record["stale"] = bool(envelope.get("stale"))
        record["cache"] = [report.get("cache") for report in envelope.get("upstreams", {}).values()]
    except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, asyncio.TimeoutError, ValueError) as error:
        record["done"], record["error"] = loop.time(), type(error).__name__
        if connection is not None:
            connection[1].close()
    records.append(record)


async def phase(pool, host, path, terms, rate, seconds=None, fixed=None):
    loop = asyncio.get_running_loop()
    schedule = fixed if fixed is not None else [terms.draw() for _ in range(max(1, int(round(rate * seconds))))]
    records, tasks = [], set()
    start = loop.time() + 0.05
    for index, term in enumerate(schedule):
        intended = start + index / rate
        wait = intended - loop.time()
        if wait > 0:
            await asyncio.sleep(wait)
        task = asyncio.create_task(one(pool, host, path, term, intended, records))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
    while tasks:
        await asyncio.gather(*list(tasks))
    return records


async def measure(args):
    url = args.base.split("//", 1)[1]
    host, port = url.split(":")[0], int(url.split(":")[1].split("/")[0])
    pool = tail.ConnectionPool(host, port)
    terms = Terms(args.terms, args.vocabulary, args.zipf_s, args.seed)
    if args.warmup_terms == "sweep":
        sweep = [f"t{rank}" for rank in range(1, args.vocabulary + 1)] * 2
        await phase(pool, host, args.path, terms, args.rate, fixed=sweep)
    elif args.warmup > 0:
        await phase(pool, host, args.path, terms, args.rate, seconds=args.warmup)
    attempts_before = admin_attempts(args.admin, args.route)
    cpu_before = tail.cpu_seconds(args.gateway_pid)
    records = await phase(pool, host, args.path, terms, args.rate, seconds=args.seconds)
    cpu_after = tail.cpu_seconds(args.gateway_pid)
    attempts_after = admin_attempts(args.admin, args.route)
    pool.close_all()
    answered = [r for r in records if r["error"] is None]
    latencies = sorted((r["done"] - r["intended"]) * 1000 for r in answered)
    results = {}
    for r in answered:
        for result in r["cache"]:
            results[result or "-"] = results.get(result or "-", 0) + 1
    summary = {
        "label": args.label, "route": args.route, "terms": args.terms, "rate": args.rate,
        "requests": len(records), "answered": len(answered),
        "errors": len(records) - len(answered),
        "non_200": sum(1 for r in answered if r["status"] != 200),
        "partial": sum(1 for r in answered if r.get("partial")),
        "stale": sum(1 for r in answered if r.get("stale")),
        "upstream_calls": attempts_after - attempts_before,
        "cpu_seconds": None if cpu_before is None or cpu_after is None else cpu_after - cpu_before,
        "p50_ms": tail.percentile(latencies, 50), "p99_ms": tail.percentile(latencies, 99),
        "p999_ms": tail.percentile(latencies, 99.9), "max_ms": latencies[-1] if latencies else None,
        "cache_results": results, "rss_kib": rss_kib(args.gateway_pid),
    }
    with open(os.path.join(args.out, f"{args.label}.json"), "w") as f:
        json.dump(summary, f)
    print(f"  {args.label}: {summary['answered']} answers, {summary['upstream_calls']} upstream calls,"
          f" p99 {summary['p99_ms']:.1f} ms, partial {summary['partial']}", file=sys.stderr)


def table(directory, labels):
    print("| run | route, terms | answers | upstream calls / request | CPU / request | p50 | p99 | partial | stale | cache results | gateway RSS |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---|---:|")
    for label in labels:
        with open(os.path.join(directory, f"{label}.json")) as f:
            s = json.load(f)
        n = max(1, s["answered"])
        cpu = "—" if s["cpu_seconds"] is None else f"{s['cpu_seconds'] / n * 1e6:,.0f} µs"
        results = ", ".join(f"{k} {v}" for k, v in sorted(s["cache_results"].items()))
        rss = "—" if s["rss_kib"] is None else f"{s['rss_kib'] / 1024:.0f} MiB"
        print(f"| {label} | {s['route']}, {s['terms']} @ {s['rate']}/s | {s['answered']:,} | {s['upstream_calls'] / n:.3f} |"
              f" {cpu} | {s['p50_ms']:.1f} ms | {s['p99_ms']:.1f} ms | {s['partial'] / n * 100:.3f}% ({s['partial']}) |"
              f" {s['stale']} | {results} | {rss} |")
        if s["errors"] or s["non_200"]:
            print(f"|   | errors {s['errors']}, non-200 {s['non_200']} | | | | | | | | | |")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    m = commands.add_parser("measure")
    for name in ("--base", "--admin", "--route", "--path", "--label", "--out"):
        m.add_argument(name, required=True)
    m.add_argument("--terms", default="zipf", choices=["zipf", "one", "unique", "uniform"])
    m.add_argument("--vocabulary", type=int, default=10_000)
    m.add_argument("--zipf-s", type=float, default=1.1)
    m.add_argument("--rate", type=float, default=300)
    m.add_argument("--seconds", type=float, default=30)
    m.add_argument("--warmup", type=float, default=30)
    m.add_argument("--warmup-terms", default="mix", choices=["mix", "sweep"])
    m.add_argument("--seed", type=int, default=7)
    m.add_argument("--gateway-pid", type=int)
    t = commands.add_parser("table")
    t.add_argument("directory")
    t.add_argument("labels", nargs="+")
    args = parser.parse_args()
    if args.command == "measure":
        asyncio.run(measure(args))
    else:
        table(args.directory, args.labels)


if __name__ == "__main__":
    main()
