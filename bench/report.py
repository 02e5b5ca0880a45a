"""Turns the RESULT lines of the bench programs into results.md and CSVs."""

import csv
import json
import os
import re
import statistics
import subprocess

# Labels of the --protos row (run_bench.protos_points): `serve` loaded in the
# bundled and in the official wire format, both through a generic stub.
SERVE_BUNDLED = "serve, bundled protos"
SERVE_OFFICIAL = "serve --protos (official)"
# The dashboard row: `serve` without and with a browser on the live journal.
SERVE_NO_DASHBOARD = "serve, no dashboard"
SERVE_DASHBOARD = "serve, dashboard open"
# The peer row: `serve` as scripts/run starts it, and @alenon/grpc-mock-server.
SERVE_LOGGING = "customer-fake serve, log on"
PEER = "@alenon/grpc-mock-server"

LOAD_COLUMNS = ["label", "workload", "inflight", "channels", "namespaces",
                "duration_s", "calls", "calls_per_s", "x_bare", "p50_us",
                "p99_us", "p999_us", "mean_us", "p50_x_bare", "errors",
                "server_cpu_us_per_call", "client_cpu_us_per_call",
                "calls_get", "calls_list", "calls_create", "calls_addflag",
                "first_error"]


def parse_result(line):
    return json.loads(line[len("RESULT "):])


def _fmt(value, digits=0):
    if value is None or value == "":
        return "–"
    if isinstance(value, str):
        return value
    if digits == 0:
        return f"{value:,.0f}"
    return f"{value:,.{digits}f}"


def _bare_of(points, p):
    for b in points:
        if (b["label"] == "bare" and b["workload"] == p["workload"]
                and b["inflight"] == p["inflight"]):
            return b
    return None


def _with_ratios(points):
    for p in points:
        b = _bare_of(points, p)
        p["x_bare"] = (p["calls_per_s"] / b["calls_per_s"]
                       if b and b["calls_per_s"] else None)
        p["p50_x_bare"] = p["p50_us"] / b["p50_us"] if b and b["p50_us"] else None
    return points


def _write_csv(path, rows, columns=None):
    if not rows:
        return
    if columns is None:
        columns = []
        for r in rows:
            columns += [k for k in r if k not in columns]
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=columns, extrasaction="ignore")
        w.writeheader()
        for r in rows:
            w.writerow(r)


def _table(header, rows):
    out = ["| " + " | ".join(header) + " |",
           "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(out)


def _round_ratios(rounds, label, base, workload, key="calls_per_s"):
    """`label` over `base` within each round, in round order."""
    ratios = []
    for n in sorted({r["round"] for r in rounds}):
        a = [r[key] for r in rounds if r["round"] == n and r["label"] == label
             and r["workload"] == workload]
        b = [r[key] for r in rounds if r["round"] == n and r["label"] == base
             and r["workload"] == workload]
        if a and b and b[0]:
            ratios.append(a[0] / b[0])
    return ratios


def _median_rate(rounds, label, workload):
    values = [r["calls_per_s"] for r in rounds
              if r["label"] == label and r["workload"] == workload]
    return statistics.median(values) if values else None


def _point(points, label, workload, inflight):
    for p in points:
        if (p["label"] == label and p["workload"] == workload
                and p["inflight"] == inflight):
            return p
    return None


def _scale(scale, mode, customers, source=None):
    for s in scale:
        if (s["kind"] == "scale" and s["mode"] == mode
                and s["customers"] == customers
                and (source is None or s["source"] == source)):
            return s
    return None


def _startup(startup, prefix):
    for s in startup:
        if s["label"].startswith(prefix):
            return s
    return None


def _verdict(ok):
    if ok is None:
        return "not measured"
    return "met" if ok else "**missed**"


def targets(cfg, load, rounds, startup, scale):
    """Rows of (target, measured, verdict)."""
    rows = []
    src = rounds if rounds else load
    how = (f"median of the ratios within {cfg.target_rounds} interleaved "
           "rounds, 16 in flight" if rounds else "16 in flight")

    def cpu(label, workload):
        if rounds:
            values = [r["server_cpu_us_per_call"] for r in rounds
                      if r["label"] == label and r["workload"] == workload]
            return statistics.median(values) if values else None
        p = _point(src, label, workload, 16)
        return p["server_cpu_us_per_call"] if p else None

    def ratio(label, base, workload, key="calls_per_s"):
        """Median of the per-round ratios; a single point without rounds."""
        if rounds:
            values = _round_ratios(rounds, label, base, workload, key)
            return statistics.median(values) if values else None
        a, b = _point(src, label, workload, 16), _point(src, base, workload, 16)
        return a[key] / b[key] if a and b and b[key] else None

    def change(label, base, workload):
        """calls/s and server CPU per call of `label` against `base`."""
        r = ratio(label, base, workload)
        c = ratio(label, base, workload, "server_cpu_us_per_call")
        if r is None or c is None:
            return None, "–"
        spread = ""
        if rounds:
            values = _round_ratios(rounds, label, base, workload)
            spread = f" (rounds {min(values) - 1:+.0%} … {max(values) - 1:+.0%})"
        return 1 - r, (f"calls/s {r - 1:+.1%}{spread}, server CPU per call "
                       f"{c - 1:+.1%}; {how}")

    def rate(label, workload):
        if rounds:
            return _median_rate(rounds, label, workload)
        p = _point(src, label, workload, 16)
        return p["calls_per_s"] if p else None

    if load:
        get_ratio = ratio("fake", "bare", "get")
        per = []
        for n in cfg.inflights:
            f, b = _point(load, "fake", "get", n), _point(load, "bare", "get", n)
            if f and b:
                per.append(f"{n}: {f['calls_per_s'] / b['calls_per_s']:.2f}×")
        f16, b16 = _point(load, "fake", "get", 16), _point(load, "bare", "get", 16)
        cpu_text = ""
        if rounds:
            fc, bc = cpu("fake", "get"), cpu("bare", "get")
            values = _round_ratios(rounds, "fake", "bare", "get")
            cpu_text = (f" server CPU per call {fc:.0f} vs {bc:.0f} µs "
                        f"({ratio('fake', 'bare', 'get', 'server_cpu_us_per_call'):.2f}×)"
                        f"; rounds {min(values):.2f}…{max(values):.2f}×")
        elif f16 and b16:
            cpu_text = (f" server CPU per call "
                        f"{f16['server_cpu_us_per_call']:.0f} vs "
                        f"{b16['server_cpu_us_per_call']:.0f} µs")
        logged = ratio(SERVE_LOGGING, "bare", "get")
        rows.append(("GetCustomer, `serve` with its default logging ≥ 0.85× "
                     "the bare server",
                     f"{logged:.2f}× ({how})" if logged else "–",
                     _verdict(logged >= 0.85 if logged else None)))
        rows.append(("GetCustomer, logging off ≥ 0.9× the bare server",
                     f"{get_ratio:.2f}× ({how}); by calls in flight "
                     f"{', '.join(per)};{cpu_text}" if get_ratio else "–",
                     _verdict(get_ratio >= 0.9 if get_ratio else None)))
        mix = ratio("fake", "bare", "mix")
        rows.append(("the mix of all RPCs, logging off ≥ 0.8× the bare server",
                     f"{mix:.2f}× ({how})" if mix else "–",
                     _verdict(mix >= 0.8 if mix else None)))
        for workload in ["get", "mix"]:
            cost, text = change("fake, 100 rules", "fake", workload)
            detail = ""
            if workload == "get":
                kinds = []
                for kind in ["method", "header", "request"]:
                    p = _point(load, f"fake, 100 {kind} rules", "get", 16)
                    f = _point(load, "fake", "get", 16)
                    if p and f:
                        kinds.append(
                            f"{kind} {p['server_cpu_us_per_call'] / f['server_cpu_us_per_call'] - 1:+.0%}")
                if kinds:
                    detail = ("; server CPU per call by kind of rule, one "
                              "run each: " + ", ".join(kinds))
            rows.append((f"100 non-matching rules cost ≤ 5 % ({workload})",
                         text + detail,
                         _verdict(cost <= 0.05 if cost is not None else None)))
        for workload in ["get", "mix"]:
            cost, text = change("fake", "fake, journal off", workload)
            rows.append((f"the journal costs ≤ 10 % ({workload})",
                         "with against without: " + text,
                         _verdict(cost <= 0.10 if cost is not None else None)))
        r = ratio(SERVE_OFFICIAL, SERVE_BUNDLED, "get")
        spread = ""
        if rounds and r:
            values = _round_ratios(rounds, SERVE_OFFICIAL, SERVE_BUNDLED, "get")
            spread = f"; rounds {min(values):.2f}…{max(values):.2f}×"
        rows.append(("GetCustomer with --protos ≥ 0.9× without",
                     f"{r:.2f}× ({how}; `serve --log-level off` with "
                     "tests/official_protos against the bundled protos, each "
                     f"loaded in its own wire format{spread})" if r else "–",
                     _verdict(r >= 0.9 if r else None)))
        r = ratio(SERVE_DASHBOARD, SERVE_NO_DASHBOARD, "get")
        spread = ""
        if rounds and r:
            values = _round_ratios(rounds, SERVE_DASHBOARD, SERVE_NO_DASHBOARD,
                                   "get")
            spread = f"; rounds {min(values):.2f}…{max(values):.2f}×"
        rows.append(("GetCustomer with a dashboard open on the live journal "
                     "≥ 0.95× without",
                     f"{r:.2f}× ({how}; `serve --ui-listen` while a poller "
                     "asks for the journal's new entries every 500 ms as the "
                     f"page does, against `serve`{spread})" if r else "–",
                     _verdict(r >= 0.95 if r else None)))
        r = ratio(SERVE_LOGGING, PEER, "get")
        p = ratio(SERVE_LOGGING, PEER, "get", "p99_us")
        if r and p:
            rows.append((f"`serve` (default logging) ≥ 3× the calls/s of {PEER}"
                         ", p99 ≤ ¼ of its p99",
                         f"{r:.2f}× the calls/s, {p:.2f}× the p99 ({how}; "
                         f"{rate(SERVE_LOGGING, 'get'):,.0f} vs "
                         f"{rate(PEER, 'get'):,.0f} calls/s)",
                         _verdict(r >= 3 and p <= 0.25)))
    if startup:
        s = _startup(startup, "customer-fake, default")
        b = _startup(startup, "bare server")
        h = _startup(startup, "customer-fake --help")
        ms = s["serving_median_ms"] if s else None
        rows.append(("exec → SERVING ≤ 50 ms, default scenario",
                     f"{ms:.1f} ms median of {s['runs']} (bare server "
                     f"{b['serving_median_ms']:.1f} ms; exec of `customer-fake "
                     f"--help` to exit {h['serving_median_ms']:.1f} ms)"
                     if s and b and h else "–",
                     _verdict(ms <= 50 if ms else None)))
    if scale:
        huge, big = cfg.huge, cfg.big
        st = _scale(scale, "start", huge, "file")
        di = _scale(scale, "direct", huge)
        if st:
            if "error" in st:
                text = (f"Fake::Start refuses {huge:,} customers after "
                        f"{st['load_s']:.1f} s")
                m = re.search(r"has (\d+) bytes", st["error"])
                if m:
                    text += (f" (the in-code scenario's YAML is "
                             f"{int(m.group(1)) / 1048576:.0f} MiB, over the "
                             "64 MiB kMaxScenarioBytes; the time is mostly "
                             "WriteScenario)")
                ok = False
            else:
                text, ok = (f"{st['load_s']:.1f} s via Fake::Start from a "
                            "file, limits raised by flags"), st["load_s"] <= 10
            if di:
                text += (f"; the state layer alone (MakeBaseline) "
                         f"{di['load_s']:.2f} s")
            rows.append((f"{huge:,} customers load in ≤ 10 s", text, _verdict(ok)))
        if di:
            ok = max(di["heap_overhead_per_customer"],
                     di["rss_overhead_per_customer"]) <= 300
            b100 = _scale(scale, "start", big, "file")
            extra = ""
            if st and "error" not in st:
                ok = ok and max(st["heap_overhead_per_customer"],
                                st["rss_overhead_per_customer"]) <= 300
                extra += (f"; loaded by Fake::Start at {huge:,}: "
                          f"{st['heap_overhead_per_customer']:.0f} / "
                          f"{st['rss_overhead_per_customer']:.0f} B")
            if b100:
                extra += (f"; loaded by Fake::Start at {big:,}: "
                         f"{b100['heap_overhead_per_customer']:.0f} / "
                         f"{b100['rss_overhead_per_customer']:.0f} B")
            rows.append(("≤ 300 bytes per customer over the raw field data",
                         f"state layer at {huge:,}: heap "
                         f"{di['heap_overhead_per_customer']:.0f} B, RSS "
                         f"{di['rss_overhead_per_customer']:.0f} B over "
                         f"{di['raw_bytes_per_customer']:.0f} B raw{extra}",
                         _verdict(ok)))
            r = di["list_last_over_first"]
            text = (f"{r:.2f}× through the handlers (p50 "
                    f"{di['list_last_p50_us']:.1f} vs "
                    f"{di['list_first_p50_us']:.1f} µs)")
            ok = r <= 1.5
            if st and "error" not in st:
                g = st["list_last_over_first"]
                text += (f"; {g:.2f}× over gRPC (p50 {st['list_last_p50_us']:.0f}"
                         f" vs {st['list_first_p50_us']:.0f} µs)")
                ok = ok and g <= 1.5
            else:
                text += "; not over gRPC, since Fake::Start refuses this size"
            rows.append((f"last page at {huge:,} within 1.5× of the first",
                         text, _verdict(ok)))
        nb = _scale(scale, "start", big, "file")
        if nb:
            ok = nb["new_ns_first_p99_us"] <= 1000
            rows.append((f"a new namespace over {big:,} customers within 1 ms",
                         f"first call p50 {nb['new_ns_first_p50_us']:.0f} µs, "
                         f"p99 {nb['new_ns_first_p99_us']:.0f} µs (second call "
                         f"{nb['new_ns_second_p50_us']:.0f} µs; over an empty "
                         f"baseline {nb['empty_ns_first_p50_us']:.0f} µs)",
                         _verdict(ok)))
    return rows


def load_table(points):
    order = {"get": 0, "create": 1, "list": 2, "addflag": 3, "mix": 4}
    rows = []
    for p in sorted(points, key=lambda p: (order.get(p["workload"], 9),
                                           p["inflight"], p["label"] != "bare",
                                           p["label"] != "fake", p["label"])):
        rows.append([p["workload"], p["inflight"], p["label"],
                     _fmt(p["calls_per_s"]),
                     _fmt(p["x_bare"], 2) if p["label"] != "bare" else "1",
                     _fmt(p["p50_us"]), _fmt(p["p99_us"]), _fmt(p["p999_us"]),
                     _fmt(p["p50_x_bare"], 2) if p["label"] != "bare" else "1",
                     p["errors"], _fmt(p["server_cpu_us_per_call"], 1)])
    return _table(["workload", "in flight", "server", "calls/s", "× bare",
                   "p50 µs", "p99 µs", "p99.9 µs", "p50 × bare", "errors",
                   "server CPU µs/call"], rows)


def rounds_table(rounds):
    rows = []
    for workload in ["get", "mix"]:
        for label in ["bare", "fake", "fake, 100 rules", "fake, journal off",
                      "bare, deadlock detection on",
                      "fake, deadlock detection on"]:
            values = [r["calls_per_s"] for r in rounds
                      if r["label"] == label and r["workload"] == workload]
            if not values:
                continue
            med = statistics.median(values)
            cpu = statistics.median(r["server_cpu_us_per_call"] for r in rounds
                                    if r["label"] == label
                                    and r["workload"] == workload)
            per_round = _round_ratios(rounds, label, "bare", workload)
            rows.append([workload, label, " / ".join(_fmt(v) for v in values),
                         " / ".join(f"{v:.2f}" for v in per_round),
                         _fmt(statistics.median(per_round), 2), _fmt(cpu, 1)])
    return _table(["workload", "server", "calls/s per round",
                   "× bare per round", "median × bare",
                   "server CPU µs/call (median)"], rows)


def startup_table(startup):
    rows = []
    for s in startup:
        if s["kind"] == "startup_exec":
            rows.append([s["label"], s["runs"], _fmt(s["listening_median_ms"], 1),
                         _fmt(s["serving_median_ms"], 1),
                         f"{s['serving_min_ms']:.1f}–{s['serving_max_ms']:.1f}"])
        else:
            rows.append([f"{s['label']}: Fake::Start + first GetCustomer "
                         "(InProcessChannel)", s["runs"],
                         _fmt(s["start_median_ms"], 2),
                         _fmt(s["answer_median_ms"], 2),
                         f"first in the process: {s['cold_answer_ms']:.1f}"])
    return _table(["what", "runs", "to \"listening on\" / Start returned, "
                   "median ms", "to SERVING / first answer, median ms",
                   "range ms"], rows)


def scale_table(scale):
    rows = []
    for s in scale:
        if s["kind"] != "scale":
            continue
        how = {"start": "Fake::Start", "direct": "state layer"}[s["mode"]]
        how += f" ({s['source']})"
        if "error" in s:
            rows.append([f"{s['customers']:,}", how, _fmt(s["load_s"], 2),
                         "refused: " + s["error"][:80]] + ["–"] * 6)
            continue
        rows.append([f"{s['customers']:,}", how, _fmt(s["load_s"], 2),
                     f"{s['rss_mib']:.0f} (peak {s['peak_rss_mib']:.0f})",
                     _fmt(s["raw_bytes_per_customer"]),
                     f"{s['heap_bytes_per_customer']:.0f} / "
                     f"{s['rss_bytes_per_customer']:.0f}",
                     f"{s['heap_overhead_per_customer']:.0f} / "
                     f"{s['rss_overhead_per_customer']:.0f}",
                     f"{s['list_first_p50_us']:.1f} / {s['list_last_p50_us']:.1f}"
                     f" ({s['list_last_over_first']:.2f}×)",
                     f"{s['new_ns_first_p50_us']:.0f} / {s['new_ns_first_p99_us']:.0f}"
                     f" (second {s['new_ns_second_p50_us']:.0f})",
                     f"{s['empty_ns_first_p50_us']:.0f} / {s['empty_ns_first_p99_us']:.0f}"])
    return _table(["customers", "loaded by", "load s", "RSS MiB",
                   "raw B/customer", "heap / RSS B per customer",
                   "over raw: heap / RSS B", "ListCustomers first / last page "
                   "p50 µs", "new namespace first call p50 / p99 µs",
                   "same over an empty baseline p50 / p99 µs"], rows)


def breakdown_table(scale):
    rows = []
    for s in scale:
        if s["kind"] != "scale_breakdown":
            continue
        rows.append([f"{s['customers']:,}", s["source"],
                     _fmt(s.get("generate_s"), 2), _fmt(s.get("write_yaml_s"), 2),
                     f"{s['yaml_bytes'] / 1048576:.1f}"
                     + ("" if s["yaml_fits_limit"] else " (over 64 MiB)"),
                     _fmt(s.get("yaml_parse_cold_s",
                                s.get("yaml_cpp_load_cold_s")), 2),
                     _fmt(s.get("yaml_parse_s", s.get("yaml_cpp_load_s")), 2),
                     _fmt(s.get("parse_scenario_s"), 2),
                     _fmt(s.get("make_baseline_s"), 2)])
    return _table(["customers", "source", "generate s",
                   "WriteScenario s", "YAML MiB",
                   "YAML parse, first in the process s",
                   "YAML parse again s", "ParseScenario s (parse + checks)",
                   "MakeBaseline s"], rows)


def yaml_scan_table(scale):
    rows = [[f"{s['customers']:,}", s["reader"], _fmt(s["seconds"], 2),
             _fmt(s["mib_per_s"], 1)]
            for s in scale if s["kind"] == "yaml_scan"]
    return _table(["customers", "reader", "s (best of the runs)", "MiB/s"],
                  rows)


def state_sync_table(sync):
    """Per mode and calls in flight: calls/s and p99 of each round, their
    medians, and the median of the per-round ratios to no state file."""
    rows = []
    labels = []
    for r in sync:
        if r["label"] not in labels:
            labels.append(r["label"])
    base = labels[0] if labels else None
    for inflight in sorted({r["inflight"] for r in sync}):
        for label in labels:
            mine = [r for r in sync
                    if r["label"] == label and r["inflight"] == inflight]
            rates = [r["calls_per_s"] for r in mine]
            p99s = [r["p99_us"] for r in mine]
            ratios = []
            for r in mine:
                other = [b for b in sync if b["label"] == base
                         and b["inflight"] == inflight
                         and b["round"] == r["round"]]
                if other and other[0]["calls_per_s"]:
                    ratios.append(r["calls_per_s"] / other[0]["calls_per_s"])
            rows.append([inflight, label,
                         " / ".join(_fmt(v) for v in rates),
                         _fmt(statistics.median(rates)),
                         _fmt(statistics.median(ratios), 3) if ratios else "–",
                         " / ".join(_fmt(v) for v in p99s),
                         _fmt(statistics.median(p99s)),
                         sum(r["errors"] for r in mine)])
    return _table(["in flight", "serve", "calls/s per round",
                   "median calls/s", "median × no state file",
                   "p99 µs per round", "median p99 µs", "errors"], rows)


def write_all(out, info, cfg, load, rounds, startup, scale, sync=()):
    load = _with_ratios(load)
    _write_csv(os.path.join(out, "results.csv"), load + rounds, LOAD_COLUMNS + ["round"])
    _write_csv(os.path.join(out, "statesync.csv"), list(sync),
               LOAD_COLUMNS + ["round"])
    _write_csv(os.path.join(out, "startup.csv"), startup)
    _write_csv(os.path.join(out, "scale.csv"), scale)
    parts = [
        "# customer-fake benchmarks" + (" (smoke run)" if cfg.smoke else ""),
        "",
        f"- machine: {info['nproc']} CPUs ({info['cpu']}), {info['memory']} "
        f"memory, Linux {info['kernel']}; load average {info['load_before']} "
        f"before, {info['load_after']} after",
        f"- commit {info['commit']}, {info['date']}, {info['elapsed_s']} s, "
        f"run at {info.get('priority', 'nice 0')}",
        f"- command: `{info['command']}`",
        f"- load points: {cfg.duration:g} s measured after {cfg.warmup:g} s "
        "warm-up; client and server share the machine's CPUs",
        "",
    ]
    rows = targets(cfg, load, rounds, startup, scale)
    if cfg.smoke:  # too short and too small to judge anything by
        rows = [(t, m, "smoke run: not judged") for t, m, _ in rows]
    if rows:
        parts += ["## Targets", "", _table(["target", "measured", "verdict"],
                                           rows), ""]
    if load:
        parts += ["## Throughput and latency", "",
                  "Closed loop: each of N calls in flight starts the next when "
                  "it completes (min(4, N) channels, each its own connection). "
                  "× bare is calls/s over the bare server's at the same point; "
                  "server CPU is the server process's CPU time per call "
                  "(from /proc). A server that answers fast leaves the CPUs "
                  "partly idle at low concurrency (the loop is bound by "
                  "latency and wake-ups), so compare server CPU per call "
                  "for what each call costs.", "", load_table(load), ""]
    if rounds:
        parts += ["### The target figures, interleaved rounds", "",
                  rounds_table(rounds), ""]
    if startup:
        parts += ["## Start-up", "", startup_table(startup), ""]
    if scale:
        parts += ["## Scale", "",
                  "Memory is per customer against an empty fake in the same "
                  "process: heap = bytes malloc has handed out, RSS = resident "
                  "after malloc_trim. \"state layer\" builds the baseline with "
                  "MakeBaseline and calls the handlers directly (no YAML, no "
                  "gRPC); it is how sizes that Fake::Start refuses are "
                  "measured. Start-mode figures over gRPC use the "
                  "in-process channel.", "", scale_table(scale), "",
                  "### Where a load's time goes", "", breakdown_table(scale), "",
                  "### The floor: reading the YAML at all (bench-yaml-scan)",
                  "", yaml_scan_table(scale), ""]
    if sync:
        parts += ["## The state file's cost on CreateCustomer", "",
                  "`customer-fake serve` without a state file, with the "
                  "periodic default (written every `--state-interval`, 1 s) "
                  "and with `--state-sync always` (written and synced, file "
                  "and folder, before each answer). Each round runs the "
                  "three in turn, each on a fresh server from the same "
                  "1000-customer scenario and a fresh file "
                  f"({info.get('statesync_fs', 'unknown')}); "
                  f"{cfg.round_duration:g} s measured after "
                  f"{cfg.round_warmup:g} s warm-up. Each write under "
                  "`always` holds the whole state, so its cost grows with "
                  "the customers a namespace holds.", "",
                  state_sync_table(sync), ""]
    text = "\n".join(parts)
    with open(os.path.join(out, "results.md"), "w") as f:
        f.write(text)
    return text


def plot(out, load):
    data = os.path.join(out, "latency.dat")
    with open(data, "w") as f:
        for label in ["bare", "fake"]:
            for workload in ["get", "mix"]:
                f.write(f"# {label} {workload}\n")
                for p in sorted((p for p in load if p["label"] == label
                                 and p["workload"] == workload),
                                key=lambda p: p["inflight"]):
                    f.write(f"{p['inflight']} {p['p50_us']} {p['p99_us']}\n")
                f.write("\n\n")
    script = f"""
set terminal pngcairo size 900,560 noenhanced
set output '{os.path.join(out, "latency.png")}'
set title 'Latency against calls in flight'
set xlabel 'calls in flight'
set ylabel 'latency (µs)'
set logscale xy
set key top left
set grid
plot '{data}' index 0 using 1:2 with linespoints lw 2 title 'bare get p50', \\
     '{data}' index 0 using 1:3 with linespoints dt 2 title 'bare get p99', \\
     '{data}' index 2 using 1:2 with linespoints lw 2 title 'fake get p50', \\
     '{data}' index 2 using 1:3 with linespoints dt 2 title 'fake get p99', \\
     '{data}' index 1 using 1:2 with linespoints title 'bare mix p50', \\
     '{data}' index 3 using 1:2 with linespoints title 'fake mix p50', \\
     '{data}' index 3 using 1:3 with linespoints dt 2 title 'fake mix p99'
"""
    try:
        subprocess.run(["gnuplot"], input=script, text=True, check=True,
                       timeout=60, stderr=subprocess.DEVNULL)
    except (subprocess.SubprocessError, OSError):
        pass
