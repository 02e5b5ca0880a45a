#!/usr/bin/python3
"""Interleaved rounds of the fake before and after a change, and the bare
server, at 16 in flight (bench/RESULTS.md, issue 15).
  ab_rounds.py BEFORE_BINS AFTER_BINS OUT [ROUNDS]   (PIN=0: no taskset)
BINS: a folder with customer-fake and the bench-* programs of one build;
the bare server, the load generator and the scenarios are BEFORE's.
Writes OUT/rows.json for ab_summary.py.
Server pinned to CPU 0, load generator to CPU 1. Ratios within a round,
median over rounds."""
import json, os, select, signal, statistics, subprocess, sys, time

BASE, NEW, OUT = sys.argv[1], sys.argv[2], sys.argv[3]
ROUNDS = int(sys.argv[4]) if len(sys.argv) > 4 else 5
DUR, WARM = "2", "0.5"
PIN = os.environ.get("PIN", "1") == "1"
if os.geteuid() == 0:
    os.nice(-15)  # as run_bench.py: other work disturbs the figures less
os.makedirs(OUT, exist_ok=True)
gen = os.path.join(BASE, "bench-gen-scenario")
files = {"bench": f"{OUT}/bench.yaml"}
subprocess.run([gen, "--customers", "1000", "--out", files["bench"]], check=True)
for kind in ["method", "header", "request"]:
    files[kind] = f"{OUT}/rules-{kind}.yaml"
    subprocess.run([gen, "--customers", "1000", "--rules", kind, "--rule_count",
                    "100", "--out", files[kind]], check=True)

def serve(bins, scen, extra, tag):
    return [os.path.join(bins, "customer-fake"), "serve", "--listen",
            "127.0.0.1:0", "--scenario", files[scen]] + extra, tag

def fakesrv(bins, extra):
    return [os.path.join(bins, "bench-fake-server"), "--listen", "127.0.0.1:0",
            "--scenario", files["bench"], "--absl_deadlock_detection=false"] + extra

specs = {"bare": [os.path.join(BASE, "bench-bare-server"), "--listen", "127.0.0.1:0"]}
for side, bins in [("before", BASE), ("after", NEW)]:
    specs[f"{side} serve log"] = serve(bins, "bench", [], "log")[0]
    specs[f"{side} serve off"] = serve(bins, "bench", ["--log-level", "off"], "")[0]
    for kind in ["method", "header", "request"]:
        specs[f"{side} {kind} rules"] = serve(bins, kind, ["--log-level", "off"], "")[0]
    specs[f"{side} journal on"] = fakesrv(bins, [])
    specs[f"{side} journal off"] = fakesrv(bins, ["--journal=false"])

procs = {}
for name, argv in specs.items():
    err = open(f"{OUT}/{name.replace(' ', '_')}.stderr", "w")
    p = subprocess.Popen((["taskset", "-c", "0"] if PIN else []) + argv, stdout=subprocess.PIPE,
                         stderr=err, text=True)
    r, _, _ = select.select([p.stdout], [], [], 60)
    line = p.stdout.readline()
    assert line.startswith("listening on "), (name, line)
    procs[name] = (p, line.split()[-1])

def point(name, workload):
    p, addr = procs[name]
    done = subprocess.run((["taskset", "-c", "1"] if PIN else []) + [os.path.join(BASE, "bench-load"),
                           "--target", addr, "--workload", workload, "--inflight", "16",
                           "--duration", DUR, "--warmup", WARM,
                           "--server_pid", str(p.pid), "--label", name],
                          stdout=subprocess.PIPE, text=True, timeout=120)
    for l in done.stdout.splitlines():
        if l.startswith("RESULT "):
            return json.loads(l[7:])
    raise RuntimeError(name)

# Before and after of each configuration back to back, each pair after a
# point of the bare server, so drift within a round hits both alike.
configs = ["serve log", "serve off", "method rules", "header rules",
           "request rules", "journal on", "journal off"]
plan = []
for c in configs:
    plan += [("get", "bare"), ("get", f"before {c}"), ("get", f"after {c}")]
for c in ["serve off", "journal on", "journal off"]:
    plan += [("mix", "bare"), ("mix", f"before {c}"), ("mix", f"after {c}")]
def plan_pair(workload, index, rnd):
    # The configuration whose pair this bare point leads.
    i = index - rnd * len(plan)
    return plan[i + 1][1].split(" ", 1)[1]

rows = []
load0 = open("/proc/loadavg").read().split()[:3]
for rnd in range(ROUNDS):
    for workload, name in plan:
        r = point(name, workload)
        r["round"] = rnd + 1; r["workload"] = workload; r["name"] = name
        r["pair"] = name.split(" ", 1)[1] if name != "bare" else plan_pair(workload, len(rows), rnd)
        rows.append(r)
        print(f"r{rnd+1} {workload:4} {name:22} {r['calls_per_s']:8.0f}/s "
              f"p99 {r['p99_us']:6.0f}us err {r['errors']} cpu/call {r.get('server_cpu_us_per_call', 0)}",
              file=sys.stderr, flush=True)
load1 = open("/proc/loadavg").read().split()[:3]
for p, _ in procs.values():
    p.send_signal(signal.SIGTERM)
for p, _ in procs.values():
    try: p.wait(10)
    except subprocess.TimeoutExpired: p.kill()
json.dump(rows, open(f"{OUT}/rows.json", "w"))

print(f"load average before {' '.join(load0)}, after {' '.join(load1)}; "
      f"{ROUNDS} rounds, {DUR}s each, 16 in flight, pinned: {PIN}")
