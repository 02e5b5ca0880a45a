#!/usr/bin/env python3
"""The profiles behind the benchmark findings (scripts/bench --profile).

1. callgrind of the fake and of the bare server while bench-load drives
   GetCustomer (instrumentation on only while the load runs): instructions
   per call and the top functions, inclusive.
2. perf (when it works here) of the same servers under the same load: where
   the CPU time goes, kernel included, flat.
3. callgrind of a scenario load: `customer-fake validate` of a generated
   10k-customer file (what Fake::Start does with a file, less MakeBaseline).
4. perf of the exec of `customer-fake --help`: the start-up floor, by DSO.

Writes one text file per profile into OUT and prints a summary.
"""

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import time

CLEAN = [(r"std::__cxx11::basic_string<char, std::char_traits<char>, "
          r"std::allocator<char> >", "string"),
         (r"moia::trip::customer::v1::", ""), (r"absl::debian3::", "absl::")]


def clean(text):
    for pattern, repl in CLEAN:
        text = re.sub(pattern, repl, text)
    return text


def wait_listening(path, proc, seconds=300):
    deadline = time.time() + seconds
    while time.time() < deadline and proc.poll() is None:
        if os.path.exists(path):
            with open(path) as f:
                for line in f:
                    if line.startswith("listening on "):
                        return line.split()[-1]
        time.sleep(0.3)
    raise RuntimeError(f"no listening line in {path}")


def load(bins, address, seconds, warmup, label, workload="get"):
    out = subprocess.run(
        [os.path.join(bins, "bench-load"), "--target", address, "--workload",
         workload, "--inflight", "16", "--duration", str(seconds), "--warmup",
         str(warmup), "--label", label],
        stdout=subprocess.PIPE, text=True, check=True).stdout
    return out.strip()


def callgrind_counts(path, function):
    """Total Ir of the profile and the number of calls of `function`."""
    names, total, calls = {}, 0, 0
    with open(path) as f:
        lines = f.read().splitlines()
    for line in lines:
        m = re.match(r"^c?fn=\((\d+)\)(?: (.*))?$", line)
        if m and m.group(2):
            names[m.group(1)] = m.group(2)
        m = re.match(r"^totals: (\d+)", line)
        if m:
            total = int(m.group(1))
    ids = {i for i, n in names.items() if function in n}
    for i, line in enumerate(lines[:-1]):
        m = re.match(r"^cfn=\((\d+)\)", line)
        if m and m.group(1) in ids:
            c = re.match(r"^calls=(\d+)", lines[i + 1])
            if c:
                calls += int(c.group(1))
    return total, calls


def annotate(path, inclusive=True, limit=45):
    args = ["callgrind_annotate", "--threshold=100"]
    if inclusive:
        args.append("--inclusive=yes")
    text = subprocess.run(args + [path], stdout=subprocess.PIPE, text=True,
                          stderr=subprocess.DEVNULL).stdout
    body = text.split("file:function", 1)[-1].splitlines()[2:limit + 2]
    return clean("\n".join(line[:220] for line in body))


def server_callgrind(bins, scenario, out):
    """Instructions per GetCustomer call of each server configuration:
    deterministic, unlike times on a shared machine."""
    fake = os.path.join(bins, "bench-fake-server")
    get = "customerfake::transport::CustomerService::GetCustomer"
    rules = os.path.join(os.path.dirname(scenario), "bench-rules-%s.yaml")
    # Any v1 method: the mix's calls (v1beta1's service has another name).
    any_call = "customerfake::transport::CustomerService::"
    rows = []
    for name, argv, function in [
            ("bare", [os.path.join(bins, "bench-bare-server")],
             "BareCustomerService::GetCustomer"),
            ("fake", [fake, "--scenario", scenario], get),
            ("fake-journal-off", [fake, "--scenario", scenario,
                                  "--journal=false"], get),
            ("fake-100-rules", [fake, "--scenario", rules % "mixed"], get),
            ("fake-100-method-rules", [fake, "--scenario", rules % "method"],
             get),
            ("fake-100-header-rules", [fake, "--scenario", rules % "header"],
             get),
            ("fake-100-request-rules", [fake, "--scenario",
                                        rules % "request"], get),
            ("fake-deadlock-detection-on",
             [fake, "--scenario", scenario, "--absl_deadlock_detection=true"],
             get),
            ("bare-deadlock-detection-on",
             [os.path.join(bins, "bench-bare-server"),
              "--absl_deadlock_detection=true"],
             "BareCustomerService::GetCustomer"),
            ("mix: bare", [os.path.join(bins, "bench-bare-server")],
             "BareCustomerService::"),
            ("mix: fake", [fake, "--scenario", scenario], any_call),
            ("mix: fake-journal-off", [fake, "--scenario", scenario,
                                       "--journal=false"], any_call)]:
        workload = "mix" if name.startswith("mix: ") else "get"
        name = name.replace("mix: ", "mix-")
        cg = os.path.join(out, f"callgrind.{name}-{workload}.out")
        listen = os.path.join(out, f"{name}.listen")
        with open(listen, "w") as stdout:
            proc = subprocess.Popen(
                ["valgrind", "--tool=callgrind", "--instr-atstart=no",
                 f"--callgrind-out-file={cg}"] + argv +
                ["--listen", "127.0.0.1:0"], stdout=stdout,
                stderr=subprocess.DEVNULL)
        address = wait_listening(listen, proc)
        subprocess.run(["callgrind_control", "-i", "on", str(proc.pid)],
                       stdout=subprocess.DEVNULL, check=True)
        load(bins, address, 3, 1, f"{name} under callgrind", workload)
        subprocess.run(["callgrind_control", "-i", "off", str(proc.pid)],
                       stdout=subprocess.DEVNULL)
        proc.send_signal(signal.SIGTERM)
        proc.wait(120)
        total, calls = callgrind_counts(cg, function)
        text = annotate(cg)
        with open(os.path.join(out, f"callgrind-{name}.txt"), "w") as f:
            f.write(f"{name}: {total:,} Ir over {calls:,} calls "
                    f"= {total // max(calls, 1):,} Ir/call\n\n{text}\n")
        if name not in ("bare", "fake"):
            os.remove(cg)  # the two kept ones are enough to browse
        rows.append((name, total, calls))
        print(f"callgrind {name}: {total // max(calls, 1):,} instructions per "
              f"call ({calls:,} calls)", flush=True)
    return rows


def server_perf(bins, scenario, out):
    if not shutil.which("perf"):
        return []
    summaries = []
    for name, argv in [("fake", [os.path.join(bins, "bench-fake-server"),
                                 "--scenario", scenario]),
                       ("bare", [os.path.join(bins, "bench-bare-server")])]:
        listen = os.path.join(out, f"{name}.perf.listen")
        with open(listen, "w") as stdout:
            proc = subprocess.Popen(argv + ["--listen", "127.0.0.1:0"],
                                    stdout=stdout, stderr=subprocess.DEVNULL)
        address = wait_listening(listen, proc)
        data = os.path.join(out, f"perf.{name}-get.data")
        loader = subprocess.Popen(
            [os.path.join(bins, "bench-load"), "--target", address,
             "--workload", "get", "--inflight", "16", "--duration", "4",
             "--warmup", "1"], stdout=subprocess.DEVNULL)
        time.sleep(1.5)
        subprocess.run(["perf", "record", "-F", "1999", "-o", data, "-p",
                        str(proc.pid), "--", "sleep", "3"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        loader.wait()
        proc.send_signal(signal.SIGTERM)
        proc.wait(30)
        parts = []
        for sort in ["dso", "sym"]:
            text = subprocess.run(["perf", "report", "-i", data, "--sort", sort,
                                   "--stdio"], stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL, text=True).stdout
            lines = [l for l in text.splitlines() if l and not l.startswith("#")]
            parts.append(f"-- by {sort}\n" + clean("\n".join(l[:160] for l in lines[:30])))
        with open(os.path.join(out, f"perf-{name}-get.txt"), "w") as f:
            f.write("\n\n".join(parts) + "\n")
        summaries.append(name)
    return summaries


def load_callgrind(bins, fake_bin, out):
    scenario = os.path.join(out, "scenario-10000.yaml")
    subprocess.run([os.path.join(bins, "bench-gen-scenario"), "--customers",
                    "10000", "--out", scenario], check=True)
    cg = os.path.join(out, "callgrind.load-10k.out")
    subprocess.run(["valgrind", "--tool=callgrind",
                    f"--callgrind-out-file={cg}", fake_bin, "validate",
                    scenario], stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, check=True)
    with open(os.path.join(out, "callgrind-load-10k.txt"), "w") as f:
        f.write("inclusive\n" + annotate(cg) + "\n\nself\n" +
                annotate(cg, inclusive=False, limit=25) + "\n")


def startup_perf(fake_bin, out):
    if not shutil.which("perf"):
        return
    data = os.path.join(out, "perf.help.data")
    subprocess.run(["perf", "record", "-F", "20000", "-o", data, "--",
                    fake_bin, "--help"], stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    text = subprocess.run(["perf", "report", "-i", data, "--sort", "dso,sym",
                           "--stdio"], stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL, text=True).stdout
    lines = [l for l in text.splitlines() if l and not l.startswith("#")]
    with open(os.path.join(out, "perf-startup-help.txt"), "w") as f:
        f.write("\n".join(l[:160] for l in lines[:30]) + "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bin-dir", required=True)
    parser.add_argument("--fake-bin", required=True)
    parser.add_argument("--scenario", required=True,
                        help="the load benchmarks' scenario (bench.yaml)")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    bins = os.path.abspath(args.bin_dir)
    if not shutil.which("valgrind"):
        sys.exit("profile: needs valgrind (apt-get install valgrind)")
    rows = server_callgrind(bins, args.scenario, args.out)
    server_perf(bins, args.scenario, args.out)
    load_callgrind(bins, os.path.abspath(args.fake_bin), args.out)
    startup_perf(os.path.abspath(args.fake_bin), args.out)
    bare = next(t / max(c, 1) for n, t, c in rows if n == "bare")
    fake = next(t / max(c, 1) for n, t, c in rows if n == "fake")
    mix_bare = next(t / max(c, 1) for n, t, c in rows if n == "mix-bare")
    mix_fake = next(t / max(c, 1) for n, t, c in rows if n == "mix-fake")
    lines = ["| server (GetCustomer, or mix-: the mix) | instructions per "
             "call | × bare | × fake |", "|---|---|---|---|"]
    for name, total, calls in rows:
        per = total / max(calls, 1)
        b, f = (mix_bare, mix_fake) if name.startswith("mix-") else (bare, fake)
        lines.append(f"| {name} | {per:,.0f} | {per / b:.2f} | "
                     f"{per / f:.2f} |")
    table = "\n".join(lines)
    with open(os.path.join(args.out, "instructions-per-call.md"), "w") as f:
        f.write(table + "\n")
    print(table)
    print(f"profiles in {args.out}")


if __name__ == "__main__":
    main()
