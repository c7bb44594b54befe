#!/usr/bin/env python3
"""Latency CDF of the tail benchmark's variants (needs matplotlib; bench/tail/run installs it
into .build-venv/).

    plot.py DIR OUTPUT.png TITLE VARIANT...

Left: the CDF on a log time axis. Right: the tail, 1 − CDF on log-log axes, down to one request
in the run, where p99 and p99.9 are the crossings of the dotted lines.
"""
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main():
    if len(sys.argv) < 5:
        raise SystemExit(__doc__)
    directory, output, title, variants = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    figure, (cdf, tail) = plt.subplots(1, 2, figsize=(12, 4.8))
    for variant in variants:
        path = os.path.join(directory, f"{variant}.latencies")
        if not os.path.exists(path):
            continue
        with open(path) as f:
            values = sorted(float(line) for line in f if line.strip())
        count = len(values)
        fractions = [(index + 1) / count for index in range(count)]
        # 1 − CDF just below each sample, so the largest sample is still on a log axis (1/n).
        survival = [(count - index) / count for index in range(count)]
        cdf.step(values, fractions, where="post", label=variant)
        tail.step(values, survival, where="post", label=variant)
    cdf.set_xscale("log")
    cdf.set_xlabel("latency (ms, log scale)")
    cdf.set_ylabel("fraction of requests ≤ latency")
    cdf.grid(True, which="both", alpha=0.3)
    cdf.legend(loc="lower right")
    tail.set_xscale("log")
    tail.set_yscale("log")
    tail.set_xlabel("latency (ms, log scale)")
    tail.set_ylabel("fraction of requests > latency (1 − CDF)")
    for level, name in ((1e-2, "p99"), (1e-3, "p99.9")):
        tail.axhline(level, color="grey", linestyle=":", linewidth=1)
        tail.annotate(name, (1.0, level), xycoords=("axes fraction", "data"), ha="right", va="bottom",
                      fontsize=8, color="grey")
    tail.grid(True, which="both", alpha=0.3)
    tail.legend(loc="lower left")
    figure.suptitle(title, fontsize=10)
    figure.tight_layout()
    os.makedirs(os.path.dirname(output) or ".", exist_ok=True)
    figure.savefig(output, dpi=110)
    print(f"wrote {output}")


if __name__ == "__main__":
    main()
