#!/usr/bin/python3
"""Overload: thousands of held calls and idle connections beside real work.

    bench/overload.py --binary build/default/fake/customer-fake \\
        --load build/default/bench/bench-load --protos protos \\
        --gen-dir build/overload-gen [--held 10000] [--idle 1000]

Starts `customer-fake serve` with a fault rule that hangs every GetCustomer
carrying `x-overload: hang`, then:

  1. measures GetCustomer of other clients (bench-load, 16 in flight) on
     the quiet server;
  2. opens --idle idle connections (each a gRPC channel that connected and
     then sends nothing) and holds --held calls with the hang rule, spread
     over 10 connections, and measures the same GetCustomer load again;
  3. creates a customer, then sends SIGTERM with every held call still
     open: the held calls must end with UNAVAILABLE within
     --shutdown-grace, and the fake must exit 0 having written its state
     file (`--state-interval 1h`, so only that last write holds the
     customer): a fake restarted on the file serves it.

Prints calls/s and p50/p99 of the other clients with and without the held
calls, the server's RSS, descriptors and threads at each step, and how the
held calls ended. Exit 1 when a held call ends otherwise than UNAVAILABLE,
ends before the SIGTERM, the fake does not exit 0 or its state file lacks
the customer. Judges no time (the
figures go to bench/RESULTS.md). Standard library and Debian's grpcio.
"""

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "python"))
import protogen  # noqa: E402

SCENARIO = """\
version: 1
customers:
  - id: 6513270e-269e-4d37-b2a7-100000000000
    given_name: Test
    family_name: Customer
    email_address: test.customer@example.com
    language_code: en
    phone_number: "+4997259173740"
faults:
  - id: hang
    method: GetCustomer
    match_metadata: {x-overload: hang}
    action: {hang: true}
"""


def proc_sample(pid):
    with open(f"/proc/{pid}/status") as f:
        status = dict(line.split(":", 1) for line in f if ":" in line)
    return {"rss_mib": round(int(status["VmRSS"].split()[0]) / 1024, 1),
            "fds": len(os.listdir(f"/proc/{pid}/fd")),
            "threads": int(status["Threads"])}


def load(bench_load, address, pid, label, duration):
    out = subprocess.run(
        [bench_load, "--target", address, "--workload", "get", "--inflight",
         "16", "--duration", str(duration), "--warmup", "1", "--server_pid",
         str(pid), "--label", label],
        stdout=subprocess.PIPE, text=True, check=True, timeout=120).stdout
    line = next(l for l in out.splitlines() if l.startswith("RESULT "))
    r = json.loads(line[len("RESULT "):])
    print(f"overload: {label:<28} {r['calls_per_s']:>8.0f} calls/s  p50 "
          f"{r['p50_us'] / 1000:6.2f} ms  p99 {r['p99_us'] / 1000:6.2f} ms  "
          f"errors {r['errors']}")
    return r


async def hold(grpc, pb, pb_grpc, address, held, idle):
    """Opens the idle channels and starts the held calls; returns them."""
    options = [("grpc.use_local_subchannel_pool", 1)]
    idle_channels = [grpc.aio.insecure_channel(address, options=options)
                     for _ in range(idle)]
    await asyncio.gather(*(c.channel_ready() for c in idle_channels))
    channels = [grpc.aio.insecure_channel(address, options=options)
                for _ in range(10)]
    stubs = [pb_grpc.CustomerServiceStub(c) for c in channels]
    metadata = (("authorization", "Bearer overload"), ("x-overload", "hang"))
    calls = [stubs[i % len(stubs)].GetCustomer(
        pb.GetCustomerRequest(id="6513270e-269e-4d37-b2a7-100000000000"),
        metadata=metadata, timeout=600) for i in range(held)]
    return idle_channels + channels, calls


async def outcome(call):
    try:
        await call
        return "OK"
    except Exception as error:  # grpc.aio.AioRpcError
        return error.code().name


def restored_ids(binary, state_file, grpc, pb, pb_grpc):
    """The customer ids a fake restarted on `state_file` serves."""
    server = subprocess.Popen(
        [binary, "serve", "--listen", "127.0.0.1:0", "--state-file",
         state_file, "--log-level", "off"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = server.stdout.readline()
        if not line.startswith("listening on "):
            return set()
        with grpc.insecure_channel(line.split()[-1]) as channel:
            page = pb_grpc.CustomerServiceStub(channel).ListCustomers(
                pb.ListCustomersRequest(page_size=100),
                metadata=(("authorization", "Bearer overload"),), timeout=30)
        return {c.id for c in page.customers}
    finally:
        server.terminate()
        server.wait(timeout=30)


async def run(args, grpc, pb, pb_grpc):
    scenario = os.path.join(args.gen_dir, "overload.yaml")
    with open(scenario, "w") as f:
        f.write(SCENARIO)
    state_file = os.path.join(args.gen_dir, "overload-state.yaml")
    if os.path.exists(state_file):
        os.remove(state_file)
    server = subprocess.Popen(
        [args.binary, "serve", "--listen", "127.0.0.1:0", "--scenario",
         scenario, "--log-level", "off", "--shutdown-grace",
         f"{args.grace}s", "--state-file", state_file, "--state-interval",
         "1h", *args.serve_flag],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = server.stdout.readline()
    if not line.startswith("listening on "):
        server.kill()
        sys.exit(f"overload: the fake did not start: {line!r} "
                 f"{server.stderr.read()}")
    address = line.split()[-1]
    samples = {"idle server": proc_sample(server.pid)}
    quiet = load(args.load, address, server.pid, "quiet server",
                 args.duration)

    started = time.time()
    channels, calls = await hold(grpc, pb, pb_grpc, address, args.held,
                                 args.idle)
    tasks = [asyncio.ensure_future(outcome(c)) for c in calls]
    # The calls go out while this coroutine waits: until every connection
    # is open, then a second per 2,000 calls for their streams.
    while (proc_sample(server.pid)["fds"] < samples["idle server"]["fds"] +
           args.idle + 10 and time.time() - started < 60):
        await asyncio.sleep(0.5)
    await asyncio.sleep(2 + args.held / 2000)
    samples[f"{args.held} held, {args.idle} idle"] = proc_sample(server.pid)
    loop = asyncio.get_running_loop()
    busy = await loop.run_in_executor(
        None, load, args.load, address, server.pid,
        f"{args.held} held + {args.idle} idle", args.duration)
    samples["after the load"] = proc_sample(server.pid)
    early = sum(t.done() for t in tasks)
    created = (await pb_grpc.CustomerServiceStub(channels[-1]).CreateCustomer(
        pb.CreateCustomerRequest(
            given_name="Before", family_name="Sigterm",
            email_address="before.sigterm@example.com", language_code="en",
            phone_number="+4997259173740"),
        metadata=(("authorization", "Bearer overload"),),
        timeout=30)).customer.id

    term = time.time()
    server.send_signal(signal.SIGTERM)
    server_exit_s = []

    def wait():
        code = server.wait(30)
        server_exit_s.append(time.time())
        return code

    exited = loop.run_in_executor(None, wait)
    results = await asyncio.gather(*tasks)
    ended_s = time.time() - term
    exit_code = await exited
    exit_s = server_exit_s[0] - term if server_exit_s else None
    for channel in channels:
        await channel.close()

    by_code = {}
    for code in results:
        by_code[code] = by_code.get(code, 0) + 1
    for name, sample in samples.items():
        print(f"overload: server, {name:<24} RSS {sample['rss_mib']:7.1f} MiB"
              f"  fds {sample['fds']:5d}  threads {sample['threads']}")
    print(f"overload: p99 of other clients {quiet['p99_us'] / 1000:.2f} ms "
          f"quiet, {busy['p99_us'] / 1000:.2f} ms beside the held calls; "
          f"calls/s {busy['calls_per_s'] / quiet['calls_per_s']:.2f}x")
    print(f"overload: SIGTERM: the fake exited with {exit_code} after "
          f"{exit_s:.2f} s (--shutdown-grace {args.grace:g}s); the client saw "
          f"its {args.held} held calls end within {ended_s:.2f} s ({by_code})")
    saved = restored_ids(args.binary, state_file, grpc, pb, pb_grpc)
    print(f"overload: the state file after the SIGTERM: "
          f"{'holds' if created in saved else 'LACKS'} the customer created "
          f"just before it ({len(saved)} customers)")
    failures = []
    if created not in saved:
        failures.append("the state file lacks the customer created before "
                        "the SIGTERM")
    if early:
        failures.append(f"{early} held calls ended before the SIGTERM")
    if by_code != {"UNAVAILABLE": args.held}:
        failures.append(f"held calls ended {by_code}, not all UNAVAILABLE")
    if exit_code != 0:
        failures.append(f"exit code {exit_code}: {server.stderr.read()}")
    if quiet["errors"] or busy["errors"]:
        failures.append("the other clients' GetCustomer had errors")
    for failure in failures:
        print(f"overload: FAILED: {failure}")
    return 1 if failures else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--binary", required=True)
    parser.add_argument("--load", required=True, help="the bench-load program")
    parser.add_argument("--protos", required=True)
    parser.add_argument("--gen-dir", required=True)
    parser.add_argument("--held", type=int, default=10000)
    parser.add_argument("--idle", type=int, default=1000)
    parser.add_argument("--duration", type=float, default=5)
    parser.add_argument("--grace", type=float, default=5)
    parser.add_argument("--serve-flag", action="append", default=[],
                        help="another flag for serve (repeatable)")
    args = parser.parse_args()
    os.makedirs(args.gen_dir, exist_ok=True)
    if not os.path.isdir(os.path.join(args.gen_dir, "moia")):
        protogen.generate(args.protos, args.gen_dir)
    sys.path.insert(0, os.path.abspath(args.gen_dir))
    import resource
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    import grpc
    import grpc.aio  # noqa: F401
    from moia.trip.customer.v1 import customer_pb2 as pb
    from moia.trip.customer.v1 import customer_pb2_grpc as pb_grpc
    sys.exit(asyncio.run(run(args, grpc, pb, pb_grpc)))


if __name__ == "__main__":
    main()
