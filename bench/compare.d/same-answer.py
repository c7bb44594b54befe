#!/usr/bin/env python3
"""Checks that gather and the nginx + lua peer gave the same answer (bench/compare, before load).

    same-answer.py GATHER.json NGINX.json

Same items in the same order, member by member (key order ignored: lua-cjson does not keep it);
numbers compared with a relative tolerance of 1e-12 (lua-cjson writes 14 significant digits, gather
17), everything else exactly; and the same upstream names (in order), statuses and counts, with
`partial` false on both. Exit 0 and one summary line when equal, else exit 1 with every difference.
"""
import json
import math
import sys

REL_TOL = 1e-12


def same(a, b, path, problems):
    if isinstance(a, bool) or isinstance(b, bool):
        if a is not b:
            problems.append(f"{path}: {a!r} != {b!r}")
    elif isinstance(a, (int, float)) and isinstance(b, (int, float)):
        if not math.isclose(a, b, rel_tol=REL_TOL, abs_tol=0.0):
            problems.append(f"{path}: {a!r} != {b!r} (relative difference {abs(a - b) / max(abs(a), abs(b)):.3g})")
    elif isinstance(a, dict) and isinstance(b, dict):
        if set(a) != set(b):
            problems.append(f"{path}: members {sorted(a)} != {sorted(b)}")
        for key in a.keys() & b.keys():
            same(a[key], b[key], f"{path}/{key}", problems)
    elif isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            problems.append(f"{path}: {len(a)} elements != {len(b)}")
        for position, (x, y) in enumerate(zip(a, b)):
            same(x, y, f"{path}/{position}", problems)
    elif type(a) is not type(b) or a != b:
        problems.append(f"{path}: {a!r} != {b!r}")


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    with open(sys.argv[1]) as f:
        gather = json.load(f)
    with open(sys.argv[2]) as f:
        nginx = json.load(f)
    problems = []
    for name, answer in (("gather", gather), ("nginx-lua", nginx)):
        if answer.get("partial") is not False:
            problems.append(f"{name}: partial is {answer.get('partial')!r}, expected false")
    same(gather.get("items"), nginx.get("items"), "items", problems)
    upstreams = [list((gather.get("upstreams") or {}).items()), list((nginx.get("upstreams") or {}).items())]
    if [name for name, _ in upstreams[0]] != [name for name, _ in upstreams[1]]:
        problems.append(f"upstreams: {[n for n, _ in upstreams[0]]} != {[n for n, _ in upstreams[1]]} (names, in order)")
    for (name, g), (_, n) in zip(*upstreams):
        for key in ("status", "http_status", "count", "attempts", "won_by"):
            if g.get(key) != n.get(key):
                problems.append(f"upstreams/{name}/{key}: {g.get(key)!r} != {n.get(key)!r}")
    if problems:
        print(f"DIFFERENT ANSWERS ({len(problems)} differences):", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        sys.exit(1)
    items = gather.get("items") or []
    multi = sum(1 for item in items if len(item.get("_sources", [])) > 1)
    scores = [item.get("_score") for item in items]
    worst = max((abs(a["_score"] - b["_score"]) / abs(a["_score"]) for a, b in zip(items, nginx["items"])
                 if "_score" in a), default=0.0)
    print(f"same answer: {len(items)} items in the same order ({multi} from several upstreams), "
          f"_score {scores[0] if scores else '-'} .. {scores[-1] if scores else '-'}, "
          f"largest relative _score difference {worst:.2g}")


if __name__ == "__main__":
    main()
