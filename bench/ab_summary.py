#!/usr/bin/python3
"""Ratios of calls/s and of server CPU time per call from compare.py's rows."""
import json, statistics, sys
rows = json.load(open(sys.argv[1]))
rounds = sorted({r["round"] for r in rows})
def point(rnd, wl, name):
    return next(r for r in rows if r["round"] == rnd and r["workload"] == wl and r["name"] == name)
def get(rnd, wl, name, key):
    """`name`'s figure; with pairs (compare.py's plan), as a ratio to the
    bare server's point just before it (higher is better for both keys)."""
    r = point(rnd, wl, name)
    if "pair" not in r:
        return r[key] if key == "calls_per_s" else 1 / r[key] if r[key] > 0 else -1
    bare = next(b for b in rows if b["round"] == rnd and b["workload"] == wl
                and b["name"] == "bare" and b["pair"] == r["pair"])
    if r[key] <= 0 or bare[key] <= 0:
        return -1
    return r[key] / bare[key] if key == "calls_per_s" else bare[key] / r[key]
def med(wl, a, b, key, invert=False):
    vals = []
    for k in rounds:
        x, y = get(k, wl, a, key), get(k, wl, b, key)
        if x <= 0 or y <= 0:
            continue  # a point with no calls (the machine stalled the server)
        vals.append(x / y)
    return statistics.median(vals), min(vals), max(vals), len(vals)
print(f"{len(rounds)} rounds; median (min…max) of the ratios within a round; "
      "[n]: rounds left after dropping points without calls")
print("ratios: fake/bare calls/s, bare/fake CPU per call; costs: "
      "1 − variant/plain calls/s, variant/plain CPU per call − 1")
print("| figure | calls/s before | calls/s after | CPU/call before | CPU/call after | target |")
print("|---|---|---|---|---|---|")
def fmt(m, cost):
    v, lo, hi, n = m
    note = "" if n == len(rounds) else f" [{n}]"
    # A cost: how much less the variant serves per second, or how much more
    # CPU it takes per call, than the same server without it.
    if cost:
        v, lo, hi = 1 - v, 1 - hi, 1 - lo
        return f"{v*100:+.0f} % ({lo*100:+.0f}…{hi*100:+.0f}){note}"
    return f"{v:.2f}× ({lo:.2f}…{hi:.2f}){note}"
def line(label, wl, a, b, target, cost=False):
    cells = []
    for key, inv in [("calls_per_s", False), ("server_cpu_us_per_call", True)]:
        for side in ["before", "after"]:
            cells.append(fmt(med(wl, a.format(side), b.format(side), key, inv), cost))
    print(f"| {label} | " + " | ".join(cells) + f" | {target} |")
def vs_bare(label, wl, a, target):
    cells = []
    for key in ["calls_per_s", "server_cpu_us_per_call"]:
        for side in ["before", "after"]:
            vals = [v for v in (get(k, wl, a.format(side), key) for k in rounds) if v > 0]
            note = "" if len(vals) == len(rounds) else f" [{len(vals)}]"
            cells.append(f"{statistics.median(vals):.2f}× ({min(vals):.2f}…{max(vals):.2f}){note}")
    print(f"| {label} | " + " | ".join(cells) + f" | {target} |")
vs_bare("GetCustomer, serve, log on / bare", "get", "{} serve log", "≥ 0.85×")
vs_bare("GetCustomer, serve --log-level off / bare", "get", "{} serve off", "≥ 0.9×")
vs_bare("mix, serve --log-level off / bare", "mix", "{} serve off", "≥ 0.8×")
for kind in ["method", "header", "request"]:
    line(f"100 {kind} rules (GetCustomer)", "get", "{} " + kind + " rules", "{} serve off", "≤ 5 % cost", cost=True)
line("journal on vs off (GetCustomer)", "get", "{} journal on", "{} journal off", "≤ 10 % cost", cost=True)
line("journal on vs off (mix)", "mix", "{} journal on", "{} journal off", "≤ 10 % cost", cost=True)
print()
print("median server CPU µs per call:")
names = sorted({(r["workload"], r["name"]) for r in rows if r["name"] != "bare"})
for wl, n in names:
    vals = [v for v in (point(k, wl, n)["server_cpu_us_per_call"] for k in rounds) if v > 0]
    cps = [point(k, wl, n)["calls_per_s"] for k in rounds]
    print(f"  {wl:4} {n:22} {statistics.median(vals):7.1f} µs   {statistics.median(cps):8.0f} calls/s")
