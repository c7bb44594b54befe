#!/usr/bin/env python3
"""Open-loop load generator and report for the tail benchmark (bench/tail/run). Stdlib only.

    load.py measure --base URL --admin URL --route NAME --path /tail/x --variant NAME --out DIR
                    [--rate 300] [--seconds 40] [--warmup 10] [--gateway-pid N] [--fixture-pid N]
    load.py table DIR VARIANT...

`measure` sends GET requests on a fixed schedule: request i is due at start + i / rate, whatever
happened to the requests before it (open loop). Its latency runs from that intended send time to
the last byte of the answer, so a stalled answer cannot hide the requests queued behind it
(no coordinated omission); how late the generator itself sent is reported separately as the
send lag. Connections are keep-alive and pooled; the pool opens a new one whenever every open one
is busy (a 1s stall holds its connection for 1s). A warm-up at the same rate runs first, not
measured, so adaptive hedge delays see a full latency window.

Per answer it reads the envelope's `upstreams.*.attempts` (every request sent to that upstream:
primary, hedges, retries): extra attempts = sum of (attempts - 1) / number of upstreams that
were sent a primary. The admin /upstreams counters of the route, read before and after the
measured phase, give the same ratio as a cross-check.

Writes DIR/VARIANT.latencies (milliseconds, one per line, in send order) and DIR/VARIANT.json
(the summary `table` prints).
"""
import argparse
import asyncio
import json
import math
import os
import socket
import sys
import time
import urllib.parse
import urllib.request

REQUEST_TIMEOUT_S = 10.0


def percentile(sorted_values, p):
    """Nearest rank: the smallest value with at least p% of the values at or below it."""
    if not sorted_values:
        return float("nan")
    rank = math.ceil(p / 100.0 * len(sorted_values))
    return sorted_values[min(max(rank, 1), len(sorted_values)) - 1]


def cpu_seconds(pid):
    """User + system CPU seconds a process has used so far (from /proc), or None."""
    if not pid:
        return None
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        # fields[0] is field 3 (state); utime and stime are fields 14 and 15.
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


def admin_counters(admin, route):
    """Sums the route's upstream counters from the admin /upstreams endpoint."""
    with urllib.request.urlopen(f"{admin}/upstreams", timeout=5) as response:
        document = json.load(response)
    totals = {"attempts": 0, "primaries": 0, "hedges": 0, "retries": 0, "upstreams": 0}
    delays = []
    for entry in document.get("routes", []):
        if entry.get("name") != route:
            continue
        for upstream in entry.get("upstreams", []):
            totals["upstreams"] += 1
            for key in ("attempts", "primaries", "hedges", "retries"):
                totals[key] += int(upstream.get(key) or 0)
            if upstream.get("hedge_delay_ms") is not None:
                delays.append(float(upstream["hedge_delay_ms"]))
    if totals["upstreams"] == 0:
        raise SystemExit(f"admin /upstreams has no route named {route!r}")
    totals["hedge_delay_ms"] = sorted(delays)
    return totals


class ConnectionPool:
    """Keep-alive connections to one host; LIFO so the warm ones are reused."""

    def __init__(self, host, port):
        self.host, self.port = host, port
        self.idle = []
        self.opened = 0

    async def take(self):
        if self.idle:
            return self.idle.pop()
        reader, writer = await asyncio.open_connection(self.host, self.port)
        sock = writer.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.opened += 1
        return reader, writer

    def give_back(self, connection):
        self.idle.append(connection)

    def close_all(self):
        for _, writer in self.idle:
            writer.close()
        self.idle.clear()


async def read_response(reader):
    """Status, keep-alive flag and body of one HTTP/1.1 response (Content-Length or chunked)."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    if headers.get("transfer-encoding", "").lower() == "chunked":
        body = bytearray()
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            if size == 0:
                await reader.readuntil(b"\r\n")
                break
            body += await reader.readexactly(size)
            await reader.readexactly(2)
        body = bytes(body)
    else:
        body = await reader.readexactly(int(headers.get("content-length", "0")))
    keep_alive = headers.get("connection", "").lower() != "close"
    return status, keep_alive, body


def envelope_counts(body):
    """(primaries, extra attempts, hedged upstreams, answers won by a hedge, partial) of one envelope."""
    envelope = json.loads(body)
    primaries = extra = hedged = won_by_hedge = 0
    for report in envelope.get("upstreams", {}).values():
        attempts = int(report.get("attempts", 0))
        if attempts >= 1:
            primaries += 1
            extra += attempts - 1
        hedged += 1 if report.get("hedged") else 0
        won_by_hedge += 1 if report.get("won_by") == "hedge" else 0
    return primaries, extra, hedged, won_by_hedge, bool(envelope.get("partial"))


async def one_request(pool, request_bytes, intended, records):
    loop = asyncio.get_running_loop()
    record = {"intended": intended, "sent": None, "done": None, "status": None, "error": None}
    connection = None
    try:
        connection = await pool.take()
        reader, writer = connection
        record["sent"] = loop.time()
        writer.write(request_bytes)
        status, keep_alive, body = await asyncio.wait_for(read_response(reader), REQUEST_TIMEOUT_S)
        record["done"] = loop.time()
        record["status"] = status
        if keep_alive:
            pool.give_back(connection)
        else:
            writer.close()
        connection = None
        try:
            record["envelope"] = envelope_counts(body)
        except (ValueError, AttributeError, TypeError) as error:
            record["error"] = f"bad envelope: {error}"
    except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, asyncio.TimeoutError, ValueError) as error:
        record["done"] = loop.time()
        record["error"] = type(error).__name__
        if connection is not None:
            connection[1].close()
    records.append(record)


async def phase(pool, request_bytes, rate, seconds):
    """Sends rate × seconds requests on the fixed schedule and waits for every answer."""
    loop = asyncio.get_running_loop()
    count = max(1, int(round(rate * seconds)))
    records, tasks = [], set()
    start = loop.time() + 0.05
    for index in range(count):
        intended = start + index / rate
        wait = intended - loop.time()
        if wait > 0:
            await asyncio.sleep(wait)
        task = asyncio.create_task(one_request(pool, request_bytes, intended, records))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
    while tasks:
        await asyncio.gather(*list(tasks))
    records.sort(key=lambda record: record["intended"])
    return records


def summarise(args, records, admin_before, admin_after, cpu, wall):
    latencies = sorted((r["done"] - r["intended"]) * 1000 for r in records)
    answered = [r for r in records if r["error"] is None and "envelope" in r]
    primaries = sum(r["envelope"][0] for r in answered)
    extra = sum(r["envelope"][1] for r in answered)
    hedged = sum(r["envelope"][2] for r in answered)
    won_by_hedge = sum(r["envelope"][3] for r in answered)
    partial = sum(1 for r in answered if r["envelope"][4])
    lags = sorted((r["sent"] - r["intended"]) * 1000 for r in records if r["sent"] is not None)
    admin_primaries = admin_after["primaries"] - admin_before["primaries"]
    admin_extra = (admin_after["attempts"] - admin_before["attempts"]) - admin_primaries
    p999 = percentile(latencies, 99.9)
    errors = {}
    for r in records:
        if r["error"] is not None:
            errors[r["error"]] = errors.get(r["error"], 0) + 1
        elif r["status"] != 200:
            errors[f"http {r['status']}"] = errors.get(f"http {r['status']}", 0) + 1
    return {
        "variant": args.variant, "route": args.route, "path": args.path,
        "rate": args.rate, "seconds": args.seconds, "warmup": args.warmup,
        "requests": len(records), "answered": len(answered), "errors": errors,
        "p50_ms": percentile(latencies, 50), "p90_ms": percentile(latencies, 90),
        "p99_ms": percentile(latencies, 99), "p999_ms": p999, "max_ms": latencies[-1],
        "beyond_p999": sum(1 for value in latencies if value > p999),
        "extra_attempts_pct": 100.0 * extra / primaries if primaries else float("nan"),
        "admin_extra_attempts_pct": 100.0 * admin_extra / admin_primaries if admin_primaries else float("nan"),
        "admin_hedges": admin_after["hedges"] - admin_before["hedges"],
        "admin_retries": admin_after["retries"] - admin_before["retries"],
        "hedge_delay_ms_after": admin_after["hedge_delay_ms"],
        "hedged_upstreams_pct": 100.0 * hedged / primaries if primaries else float("nan"),
        "won_by_hedge_pct": 100.0 * won_by_hedge / primaries if primaries else float("nan"),
        "partial_pct": 100.0 * partial / len(answered) if answered else float("nan"),
        "send_lag_p99_ms": percentile(lags, 99), "send_lag_max_ms": lags[-1] if lags else float("nan"),
        "connections_opened": args.connections_opened,
        "cpu_pct": {name: (100.0 * value / wall if value is not None else None) for name, value in cpu.items()},
    }


async def measure(args):
    base = urllib.parse.urlsplit(args.base)
    request_bytes = (f"GET {args.path} HTTP/1.1\r\nHost: {base.netloc}\r\nUser-Agent: gather-tail-bench\r\n\r\n").encode()
    pool = ConnectionPool(base.hostname, base.port or 80)
    await phase(pool, request_bytes, args.rate, args.warmup)
    admin_before = admin_counters(args.admin, args.route)
    names = {"gateway": args.gateway_pid, "fixture": args.fixture_pid}
    cpu_before = {name: cpu_seconds(pid) for name, pid in names.items()}
    cpu_before["generator"] = time.process_time()
    wall_start = time.monotonic()
    records = await phase(pool, request_bytes, args.rate, args.seconds)
    wall = time.monotonic() - wall_start
    cpu_after = {name: cpu_seconds(pid) for name, pid in names.items()}
    cpu_after["generator"] = time.process_time()
    cpu = {name: (cpu_after[name] - cpu_before[name] if cpu_before[name] is not None and cpu_after[name] is not None else None)
           for name in cpu_before}
    admin_after = admin_counters(args.admin, args.route)
    args.connections_opened = pool.opened
    pool.close_all()
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, f"{args.variant}.latencies"), "w") as f:
        f.writelines(f"{(r['done'] - r['intended']) * 1000:.3f}\n" for r in records)
    summary = summarise(args, records, admin_before, admin_after, cpu, wall)
    with open(os.path.join(args.out, f"{args.variant}.json"), "w") as f:
        json.dump(summary, f, indent=1)
    print(f"  {args.variant}: {summary['requests']} requests, p50 {summary['p50_ms']:.1f} ms, "
          f"p99.9 {summary['p999_ms']:.1f} ms, extra attempts {summary['extra_attempts_pct']:.2f}%"
          f"{', errors ' + json.dumps(summary['errors']) if summary['errors'] else ''}", file=sys.stderr)


def milliseconds(value):
    return f"{value:,.0f} ms" if value >= 100 else f"{value:.1f} ms"


def table(directory, variants):
    summaries = []
    for variant in variants:
        path = os.path.join(directory, f"{variant}.json")
        if os.path.exists(path):
            with open(path) as f:
                summaries.append(json.load(f))
    if not summaries:
        raise SystemExit(f"no results in {directory}")
    baseline = next((s for s in summaries if s["variant"] == "none"), None)
    print("| variant | requests | p50 | p99 | p99.9 | max | extra attempts | partial | p99.9 vs none |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for s in summaries:
        cut = f"{baseline['p999_ms'] / s['p999_ms']:.1f}× lower" if baseline and s is not baseline else "—"
        print(f"| {s['variant']} | {s['requests']:,} | {milliseconds(s['p50_ms'])} | {milliseconds(s['p99_ms'])} | "
              f"{milliseconds(s['p999_ms'])} | {milliseconds(s['max_ms'])} | {s['extra_attempts_pct']:.2f}% | "
              f"{s['partial_pct']:.2f}% | {cut} |")
    print()
    print("| variant | extra (admin) | upstreams hedged | won by hedge | hedge delay now (ms, shards min–max) "
          "| samples > p99.9 | send lag p99 / max | gateway CPU | fixture CPU | generator CPU | errors |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for s in summaries:
        delays = s["hedge_delay_ms_after"]
        delay = f"{delays[0]:.1f}–{delays[-1]:.1f}" if delays else "—"
        cpu = {name: (f"{value:.0f}%" if value is not None else "?") for name, value in s["cpu_pct"].items()}
        errors = ", ".join(f"{k}: {v}" for k, v in s["errors"].items()) or "none"
        print(f"| {s['variant']} | {s['admin_extra_attempts_pct']:.2f}% | {s['hedged_upstreams_pct']:.2f}% | "
              f"{s['won_by_hedge_pct']:.2f}% | {delay} | {s['beyond_p999']} | "
              f"{s['send_lag_p99_ms']:.1f} / {s['send_lag_max_ms']:.1f} ms | {cpu['gateway']} | {cpu['fixture']} | "
              f"{cpu['generator']} | {errors} |")
    if baseline:
        print()
        for s in summaries:
            if s is baseline:
                continue
            cut = baseline["p999_ms"] / s["p999_ms"]
            met = cut >= 20 and s["extra_attempts_pct"] <= 3
            print(f"target (p99.9 ≥ 20× lower than none, extra attempts ≤ 3%): {s['variant']}: "
                  f"{cut:.1f}×, {s['extra_attempts_pct']:.2f}% → {'met' if met else 'not met'}")
    worst_lag = max(s["send_lag_p99_ms"] for s in summaries)
    if worst_lag > 5:
        print(f"\nwarning: the generator sent up to {worst_lag:.1f} ms late (p99): the machine is overloaded at this "
              f"rate; the latencies include that lag. Try a lower rate.")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    m = commands.add_parser("measure")
    m.add_argument("--base", required=True, help="gateway base URL, http://HOST:PORT")
    m.add_argument("--admin", required=True, help="gateway admin base URL")
    m.add_argument("--route", required=True, help="route name, for the admin counters")
    m.add_argument("--path", required=True)
    m.add_argument("--variant", required=True)
    m.add_argument("--out", required=True)
    m.add_argument("--rate", type=float, default=300.0, help="requests per second")
    m.add_argument("--seconds", type=float, default=40.0, help="measured phase")
    m.add_argument("--warmup", type=float, default=10.0, help="unmeasured phase before it")
    m.add_argument("--gateway-pid", type=int)
    m.add_argument("--fixture-pid", type=int)
    t = commands.add_parser("table")
    t.add_argument("dir")
    t.add_argument("variants", nargs="+")
    args = parser.parse_args()
    if args.command == "measure":
        if args.rate <= 0 or args.seconds <= 0 or args.warmup < 0:
            parser.error("rate and seconds must be positive, warmup not negative")
        asyncio.run(measure(args))
    else:
        table(args.dir, args.variants)


if __name__ == "__main__":
    main()
