#!/usr/bin/python3
"""Hours of load: does the fake leave a trace?

    bench/soak.py --binary build/default/fake/customer-fake --protos protos \\
        --gen-dir build/soak-gen --out build/soak [--duration 1800]

Starts `customer-fake serve` (journal on, default logging to /dev/null) and
drives it for --duration seconds with mixed calls over --namespaces
namespaces, each with fault rules that act on calls carrying a header:

  - clients walk customers through create, get, add flag, list flags, update,
    remove flag, delete, and list pages; some calls carry the header of a
    rule (UNAVAILABLE on GetCustomer with probability 0.5, an answer lost
    after the write on CreateCustomer, RST_STREAM on AddCustomerFlag, a 20 ms
    delay on ListCustomers);
  - a control client resets namespaces, loads scenarios into them, reads and
    clears their journals, lists fault rules, and runs the CLI's `calls`;
  - a dashboard watcher (`serve --ui-listen`) asks for a namespace's new
    journal entries every 500 ms and for the namespaces every 2 s, as the
    dashboard's page does.

Every second it samples the server's RSS, open file descriptors and threads
(/proc) and the calls/s. Afterwards it checks:

  1. RSS at the end of the load is within 10 % of its level after the
     warm-up (--warmup, by default a sixth of the run);
  2. with every client gone, the open file descriptors are back to their
     number before the first client connected, and the threads to theirs
     after the warm-up: gRPC starts its executor (up to 2 per core) lazily
     under load and keeps it, so the start value is not theirs to return to;
     more than after the warm-up would be a leak. gRPC's timer threads are
     counted apart and only reported: gRPC adds one whenever timers fire
     while none is waiting and never ends them before shutdown (its
     timer_manager says so), so a burst late in the run adds one;
  3. no call failed except in the ways a rule scripts (and NOT_FOUND for a
     customer that a reset or scenario load removed).

Writes soak.csv (the samples) and, when gnuplot is there, soak.png (the
curves); prints a summary; exit 1 when a check fails. CI runs a two-minute
form (tests/CMakeLists.txt); bench/RESULTS.md records a 30-minute one.
Standard library and Debian's grpcio.
"""

import argparse
import collections
import csv
import json
import os
import random
import shutil
import subprocess
import sys
import threading
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "python"))
import protogen  # noqa: E402

FLAG = "WHEELCHAIR_ACCESS_NEEDED"
RULES = [
    "{id: flaky-get, method: GetCustomer, match_metadata: {x-soak: flaky}, "
    "probability: 0.5, action: {code: UNAVAILABLE, message: scripted}}",
    "{id: lost-create, method: CreateCustomer, match_metadata: {x-soak: lost}, "
    "action: {serve_first: true, code: UNAVAILABLE, message: scripted}}",
    "{id: reset-flag, method: AddCustomerFlag, match_metadata: {x-soak: reset}, "
    "action: {reset_stream: true}}",
    "{id: slow-list, method: ListCustomers, match_metadata: {x-soak: slow}, "
    "action: {delay: 20ms}}",
]
# What each rule's header makes of a call: the code a client then sees.
SCRIPTED = {"flaky": "UNAVAILABLE", "lost": "UNAVAILABLE", "reset": "INTERNAL"}
SCENARIO = """\
version: 1
customers:
  - given_name: Loaded
    family_name: Customer
    email_address: loaded.{n}@example.com
    language_code: de
    phone_number: "+4915100000{n:03d}"
"""


class Namespace:
    """A namespace and its generation: a reset or a scenario load bumps it
    before and after, so a customer created in an older generation may be
    gone (NOT_FOUND is then expected)."""

    def __init__(self, name):
        self.name = name
        self.generation = 0
        self.lock = threading.Lock()

    def bump(self):
        with self.lock:
            self.generation += 1


class Counters:
    def __init__(self):
        self.lock = threading.Lock()
        self.calls = 0
        self.scripted = 0
        self.gone = 0
        self.unexpected = []

    def add(self, calls=0, scripted=0, gone=0, unexpected=None):
        with self.lock:
            self.calls += calls
            self.scripted += scripted
            self.gone += gone
            if unexpected and len(self.unexpected) < 20:
                self.unexpected.append(unexpected)


class Api:
    """One client's channel and stubs."""

    def __init__(self, grpc, pb, pb_grpc, cpb, cpb_grpc, address):
        self.grpc, self.pb, self.cpb = grpc, pb, cpb
        # Its own TCP connection: grpcio shares one between channels to the
        # same address otherwise.
        self.channel = grpc.insecure_channel(
            address, options=[("grpc.use_local_subchannel_pool", 1)])
        self.api = pb_grpc.CustomerServiceStub(self.channel)
        self.control = cpb_grpc.ControlServiceStub(self.channel)

    def call(self, stub, method, request, ns, header=None):
        metadata = [("authorization", "Bearer soak"),
                    ("x-fake-namespace", ns.name)]
        if header:
            metadata.append(("x-soak", header))
        return getattr(stub, method)(request, metadata=metadata, timeout=10)


class Client(threading.Thread):
    """Walks customers of random namespaces through their life."""

    def __init__(self, api, namespaces, counters, seed, stop):
        super().__init__(daemon=True)
        self.a, self.namespaces, self.counters = api, namespaces, counters
        self.rng = random.Random(seed)
        self.stop = stop
        self.seq = 0

    def run(self):
        while not self.stop.is_set():
            ns = self.rng.choice(self.namespaces)
            try:
                self.life(ns)
            except _Gone:
                self.counters.add(calls=1, gone=1)

    def checked(self, ns, generation, method, request, header=None,
                stub=None):
        """The call's response; None when a rule scripted its failure."""
        try:
            response = self.a.call(stub or self.a.api, method, request, ns,
                                   header)
            self.counters.add(calls=1)
            return response
        except self.a.grpc.RpcError as error:
            code = error.code().name
            if header in SCRIPTED and code == SCRIPTED[header]:
                self.counters.add(calls=1, scripted=1)
                return None
            if code == "NOT_FOUND" and ns.generation != generation:
                raise _Gone()
            self.counters.add(calls=1, unexpected=(
                f"{ns.name} {method} (header {header}): {code} "
                f"{error.details()}"))
            return None

    def header(self, name, chance):
        return name if self.rng.random() < chance else None

    def life(self, ns):
        pb = self.a.pb
        generation = ns.generation
        self.seq += 1
        header = self.header("lost", 0.1)
        created = self.checked(ns, generation, "CreateCustomer",
                               pb.CreateCustomerRequest(
                                   given_name="Soak", family_name=f"C{self.seq}",
                                   email_address=f"soak.{id(self)}.{self.seq}"
                                   "@example.com",
                                   language_code="en",
                                   phone_number=f"+49151{self.seq % 10**8:08d}"),
                               header)
        if created is None:  # the lost answer: the customer may exist
            return
        cid = created.customer.id
        self.checked(ns, generation, "GetCustomer", pb.GetCustomerRequest(id=cid),
                     self.header("flaky", 0.2))
        self.checked(ns, generation, "ListCustomers",
                     pb.ListCustomersRequest(page_size=10),
                     self.header("slow", 0.1))
        if self.checked(ns, generation, "AddCustomerFlag",
                        pb.AddCustomerFlagRequest(customer_id=cid, flag=FLAG),
                        self.header("reset", 0.1)) is not None:
            self.checked(ns, generation, "ListCustomerFlags",
                         pb.ListCustomerFlagsRequest(customer_id=cid))
            self.checked(ns, generation, "RemoveCustomerFlag",
                         pb.RemoveCustomerFlagRequest(customer_id=cid, flag=FLAG))
        customer = created.customer
        customer.given_name = "Soaked"
        self.checked(ns, generation, "UpdateCustomer",
                     pb.UpdateCustomerRequest(customer=customer))
        self.checked(ns, generation, "DeleteCustomer",
                     pb.DeleteCustomerRequest(id=cid))


class _Gone(Exception):
    """A customer that a reset or scenario load removed."""


class Controller(threading.Thread):
    """Resets, loads scenarios, reads and clears journals, runs the CLI."""

    def __init__(self, api, namespaces, counters, seed, stop, binary, address):
        super().__init__(daemon=True)
        self.a, self.namespaces, self.counters = api, namespaces, counters
        self.rng = random.Random(seed)
        self.stop = stop
        self.binary, self.address = binary, address
        self.done = {"reset": 0, "load": 0, "journal pages": 0, "clear": 0,
                     "cli": 0}

    def add_rules(self, ns):
        for rule in RULES:
            self.control(ns, "AddFaultRule", self.a.cpb.AddFaultRuleRequest(yaml=rule))

    def control(self, ns, method, request):
        try:
            return self.a.call(self.a.control, method, request, ns)
        except self.a.grpc.RpcError as error:
            self.counters.add(unexpected=(
                f"{ns.name} control {method}: {error.code().name} "
                f"{error.details()}"))
            return None

    def run(self):
        cpb = self.a.cpb
        tick = 0
        while not self.stop.wait(0.5):
            tick += 1
            ns = self.rng.choice(self.namespaces)
            if tick % 4 == 0:  # every 2 s
                ns.bump()
                self.control(ns, "Reset", cpb.ResetRequest(empty=self.rng.random() < 0.5))
                ns.bump()
                self.add_rules(ns)
                self.done["reset"] += 1
            elif tick % 10 == 1:  # every 5 s
                ns.bump()
                self.control(ns, "LoadScenario", cpb.LoadScenarioRequest(
                    yaml=SCENARIO.format(n=tick % 1000), source_name="soak"))
                ns.bump()
                self.add_rules(ns)
                self.done["load"] += 1
            elif tick % 20 == 3:  # every 10 s
                self.control(ns, "ClearCalls", cpb.ClearCallsRequest())
                self.done["clear"] += 1
            elif tick % 30 == 5:  # every 15 s
                result = subprocess.run(
                    [self.binary, "calls", "--addr", self.address,
                     "--namespace", ns.name],
                    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                    text=True, timeout=60)
                if result.returncode != 0:
                    self.counters.add(unexpected=(
                        f"customer-fake calls exit {result.returncode}: "
                        f"{result.stderr.strip()}"))
                self.done["cli"] += 1
            else:
                token = ""
                while True:
                    page = self.control(ns, "ListCalls", cpb.ListCallsRequest(
                        page_size=500, page_token=token))
                    self.done["journal pages"] += 1
                    if page is None or not page.next_page_token:
                        break
                    token = page.next_page_token
                self.control(ns, "ListFaultRules", cpb.ListFaultRulesRequest())


class DashboardWatcher(threading.Thread):
    """What a browser on the dashboard's live journal asks, as its page does
    (fake/transport/dashboard/app.js): a namespace's new journal entries
    every 500 ms, and the namespaces every 2 s; it moves to another
    namespace every 10 s."""

    def __init__(self, url, namespaces, counters, seed, stop):
        super().__init__(daemon=True)
        self.url = url.rstrip("/") + "/api/v1/"
        self.namespaces, self.counters = namespaces, counters
        self.rng = random.Random(seed)
        self.stop = stop
        self.polls = 0

    def get(self, path):
        try:
            with urllib.request.urlopen(self.url + path, timeout=30) as answer:
                return json.loads(answer.read())
        except (OSError, ValueError) as error:
            self.counters.add(unexpected=f"dashboard GET {path}: {error}")
            return None

    def run(self):
        tick = 0
        ns, after = None, "0"
        while not self.stop.wait(0.5):
            if tick % 20 == 0:
                ns, after = self.rng.choice(self.namespaces).name, "0"
            page = self.get(f"namespaces/{ns}/calls?page_size=1000&after={after}")
            if page is not None:
                after = page["last_sequence"]
            if tick % 4 == 0:
                self.get("namespaces")
            tick += 1
            self.polls += 1


def proc_sample(pid):
    with open(f"/proc/{pid}/status") as f:
        status = dict(line.split(":", 1) for line in f if ":" in line)
    rss_kib = int(status["VmRSS"].split()[0])
    threads = int(status["Threads"])
    fds = len(os.listdir(f"/proc/{pid}/fd"))
    return rss_kib, fds, threads


def thread_names(pid):
    """How many of the server's threads bear each name (/proc's comm)."""
    names = collections.Counter()
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{task}/comm") as f:
                names[f.read().strip()] += 1
        except FileNotFoundError:  # the thread ended meanwhile
            pass
    return names


# gRPC's timer threads (iomgr's and the event engine's), named by /proc's
# 15-character comm.
TIMER_THREADS = ("grpc_global_tim", "timer_manager")


def split_threads(names):
    """(threads other than gRPC's timer threads, gRPC's timer threads)."""
    timers = sum(n for name, n in names.items() if name in TIMER_THREADS)
    return sum(names.values()) - timers, timers


def wait_for(pid, fds, threads, seconds):
    """Polls until the descriptors and the threads other than gRPC's timer
    threads are back; the last descriptor count and thread names."""
    deadline = time.time() + seconds
    while True:
        _, now_fds, _ = proc_sample(pid)
        names = thread_names(pid)
        if ((now_fds <= fds and split_threads(names)[0] <= threads)
                or time.time() > deadline):
            return now_fds, names
        time.sleep(0.5)


def plot(out, rows, warmup):
    if not shutil.which("gnuplot"):
        print("soak: no gnuplot, so no soak.png")
        return
    script = f"""
set terminal pngcairo size 900,760 font ',10'
set output '{out}/soak.png'
set datafile separator ','
set key bottom right
set xlabel 'seconds'
set multiplot layout 3,1 title 'customer-fake soak: {rows[-1][0]:.0f} s'
set arrow from {warmup},graph 0 to {warmup},graph 1 nohead dt 2
set ylabel 'RSS MiB'
plot '{out}/soak.csv' every ::1 using 1:($2/1024) with lines title 'RSS'
set ylabel 'count'
set yrange [0:{max(max(r[2], r[3]) for r in rows) * 1.3:.0f}]
plot '{out}/soak.csv' every ::1 using 1:3 with lines title 'open fds', \\
     '' every ::1 using 1:4 with lines title 'threads'
set ylabel 'calls/s'
set yrange [0:*]
plot '{out}/soak.csv' every ::1 using 1:5 with lines title 'calls/s'
unset multiplot
"""
    subprocess.run(["gnuplot"], input=script, text=True, check=True)
    print(f"soak: plot in {out}/soak.png")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--binary", required=True)
    parser.add_argument("--protos", required=True)
    parser.add_argument("--gen-dir", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--duration", type=float, default=1800)
    parser.add_argument("--warmup", type=float, default=None,
                        help="seconds before the RSS reference; default: a "
                        "sixth of --duration")
    parser.add_argument("--namespaces", type=int, default=100)
    parser.add_argument("--clients", type=int, default=6)
    parser.add_argument("--journal-entries", type=int, default=1000,
                        help="serve's --journal-entries: small enough that "
                        "every journal is full within the warm-up")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    warmup = args.warmup if args.warmup is not None else args.duration / 6
    os.makedirs(args.out, exist_ok=True)
    if not os.path.isdir(os.path.join(args.gen_dir, "moia")):
        protogen.generate(args.protos, args.gen_dir)
    sys.path.insert(0, os.path.abspath(args.gen_dir))
    import grpc
    from customerfake.control.v1 import control_pb2 as cpb
    from customerfake.control.v1 import control_pb2_grpc as cpb_grpc
    from moia.trip.customer.v1 import customer_pb2 as pb
    from moia.trip.customer.v1 import customer_pb2_grpc as pb_grpc

    server = subprocess.Popen(
        [args.binary, "serve", "--listen", "127.0.0.1:0",
         "--journal-entries", str(args.journal_entries), "--ui-listen",
         "127.0.0.1:0"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = server.stdout.readline()
    if not line.startswith("listening on "):
        server.kill()
        sys.exit(f"soak: the fake did not start: {line!r}")
    address = line.split()[-1]
    line = server.stdout.readline()
    if not line.startswith("dashboard on "):
        server.kill()
        sys.exit(f"soak: no dashboard line: {line!r}")
    dashboard_url = line.split()[-1]
    threading.Thread(target=lambda: [None for _ in server.stdout],
                     daemon=True).start()
    time.sleep(0.5)
    start_rss, start_fds, _ = proc_sample(server.pid)
    start_threads, start_timers = split_threads(thread_names(server.pid))

    def api():
        return Api(grpc, pb, pb_grpc, cpb, cpb_grpc, address)

    namespaces = [Namespace(f"soak-{i}") for i in range(args.namespaces)]
    counters = Counters()
    stop = threading.Event()
    setup = api()
    controller = Controller(setup, namespaces, counters, args.seed, stop,
                            args.binary, address)
    for ns in namespaces:
        controller.add_rules(ns)
    clients = [Client(api(), namespaces, counters, args.seed * 1000 + i, stop)
               for i in range(args.clients)]
    watcher = DashboardWatcher(dashboard_url, namespaces, counters,
                               args.seed, stop)
    began = time.time()
    for thread in clients + [controller, watcher]:
        thread.start()

    rows = [("seconds", "rss_kib", "fds", "threads", "calls_per_s")]
    warm_rss = None
    last_calls, last_t = 0, began
    while time.time() - began < args.duration:
        time.sleep(1)
        now = time.time()
        rss, fds, threads = proc_sample(server.pid)
        calls = counters.calls
        rows.append((round(now - began, 1), rss, fds, threads,
                     round((calls - last_calls) / (now - last_t))))
        last_calls, last_t = calls, now
        if warm_rss is None and now - began >= warmup:
            warm_rss = rss
            warm_names = thread_names(server.pid)
            warm_threads, warm_timers = split_threads(warm_names)
    end_rss = rows[-1][1]
    stop.set()
    for thread in clients + [controller, watcher]:
        thread.join(30)
    for thread in clients:
        thread.a.channel.close()
    setup.channel.close()
    end_fds, end_names = wait_for(server.pid, start_fds, warm_threads, 20)
    end_threads, end_timers = split_threads(end_names)
    server.terminate()
    exit_code = server.wait(30)

    with open(os.path.join(args.out, "soak.csv"), "w", newline="") as f:
        csv.writer(f).writerows(rows)
    plot(args.out, rows[1:], warmup)

    peak = max(r[1] for r in rows[1:])
    rates = sorted(r[4] for r in rows[2:]) or [0]
    print(f"soak: {args.duration:.0f} s, {args.namespaces} namespaces, "
          f"{args.clients} clients; {counters.calls:,} calls "
          f"(median {rates[len(rates) // 2]:,} calls/s), {counters.scripted:,} "
          f"failed as scripted, {counters.gone:,} customers removed by a "
          f"reset or load; control: {controller.done}; dashboard polls: "
          f"{watcher.polls:,}")
    print(f"soak: RSS {start_rss / 1024:.1f} MiB at start, "
          f"{warm_rss / 1024:.1f} MiB after the {warmup:.0f} s warm-up, "
          f"{end_rss / 1024:.1f} MiB at the end ({end_rss / warm_rss - 1:+.1%}),"
          f" peak {peak / 1024:.1f} MiB")
    print(f"soak: open fds {start_fds} at start, {end_fds} after; threads "
          f"{start_threads} at start, {warm_threads} after the warm-up, "
          f"{end_threads} after, and gRPC's timer threads {start_timers}, "
          f"{warm_timers}, {end_timers}; exit code {exit_code} after SIGTERM")
    failures = []
    if end_rss > warm_rss * 1.10:
        failures.append("RSS grew more than 10 % after the warm-up")
    if end_fds != start_fds:
        failures.append(f"open fds {start_fds} -> {end_fds}")
    if end_threads > warm_threads:
        added = ", ".join(f"{name} +{n}" for name, n in
                          (end_names - warm_names).items()
                          if name not in TIMER_THREADS)
        failures.append(f"threads {warm_threads} after the warm-up -> "
                        f"{end_threads} ({added})")
    if counters.unexpected:
        failures.append("unexpected errors:\n  " +
                        "\n  ".join(counters.unexpected))
    if exit_code != 0:
        failures.append(f"exit code {exit_code} after SIGTERM")
    for failure in failures:
        print(f"soak: FAILED: {failure}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
