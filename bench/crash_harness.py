#!/usr/bin/python3
"""Crash consistency of the state file: SIGKILL at random moments.

    bench/crash_harness.py --binary build/default/fake/customer-fake \
        --protos protos --gen-dir build/crash-gen [--kills 500] [--seed 1]

Starts `customer-fake serve --state-file F --state-interval 1s` (the
default), has several clients create and delete customers, kills the
process with SIGKILL after a random 0.3 to 2 s (the file is written every
half interval under this load, so some kills land during a write), restarts
it on the same file, and checks:

  1. the file always loads: the restarted fake serves;
  2. every create and delete acknowledged more than --window (default: the
     interval, as the fake promises) before the kill is there;
  3. nothing is there that no client sent: every customer's name is one a
     client sent, with the id it was answered with;
  4. no id is handed out twice: an id answered once never names another
     customer, after any number of restarts.

Prints one line per kill and a summary; exit 1 on the first violation.
With --state-sync always --window 0, every acknowledged change must be
there. CI runs short forms of both (tests/CMakeLists.txt); the long form
(--kills 500) is a benchmark run. Standard library and Debian's grpcio.
"""

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "python"))
import protogen  # noqa: E402


class Violation(Exception):
    pass


def start(binary, path, interval, sync):
    proc = subprocess.Popen(
        [binary, "serve", "--listen", "127.0.0.1:0", "--state-file", path,
         "--state-interval", interval, "--state-sync", sync,
         "--log-level", "off"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    if not line.startswith("listening on "):
        proc.kill()
        raise Violation("the state file did not load: " + line +
                        proc.stderr.read())
    return proc, line.split()[-1]


class Client(threading.Thread):
    """Creates customers named NAME-SEQ and deletes some of its own."""

    def __init__(self, stub, pb, name, rng, ledger):
        super().__init__(daemon=True)
        self.stub, self.pb, self.name, self.rng = stub, pb, name, rng
        self.ledger = ledger
        self.stop = threading.Event()

    def run(self):
        import grpc
        seq = 0
        mine = []
        while not self.stop.is_set():
            try:
                if mine and self.rng.random() < 0.25:
                    victim = mine.pop(self.rng.randrange(len(mine)))
                    self.ledger.sent_delete(victim)
                    self.stub.DeleteCustomer(
                        self.pb.DeleteCustomerRequest(id=victim),
                        metadata=[("authorization", "Bearer t")], timeout=5)
                    self.ledger.deleted(victim, time.monotonic())
                else:
                    seq += 1
                    given = f"{self.name}-{seq}"
                    self.ledger.sent_create(given)
                    answer = self.stub.CreateCustomer(
                        self.pb.CreateCustomerRequest(
                            given_name=given, family_name="Crash",
                            email_address=f"{given}@example.com",
                            language_code="en",
                            phone_number="+4997259173740"),
                        metadata=[("authorization", "Bearer t")], timeout=5)
                    self.ledger.created(answer.customer.id, given,
                                        time.monotonic())
                    mine.append(answer.customer.id)
            except grpc.RpcError:
                return  # the server was killed


class Ledger:
    """What the clients sent and what was acknowledged, and when."""

    def __init__(self):
        self.lock = threading.Lock()
        self.names_sent = set()
        self.ids = {}  # every id ever answered -> the name it was given
        self.live = {}  # id -> acknowledgement time, created and not deleted
        self.gone = {}  # id -> acknowledgement time of its delete
        self.deleting = set()  # deletes sent, not (yet) acknowledged

    def sent_create(self, given):
        with self.lock:
            self.names_sent.add(given)

    def created(self, customer_id, given, at):
        with self.lock:
            if customer_id in self.ids:
                raise Violation(f"id {customer_id} answered for {given} was "
                                f"answered before for {self.ids[customer_id]}")
            self.ids[customer_id] = given
            self.live[customer_id] = at

    def sent_delete(self, customer_id):
        with self.lock:
            self.deleting.add(customer_id)

    def deleted(self, customer_id, at):
        with self.lock:
            self.live.pop(customer_id, None)
            self.deleting.discard(customer_id)
            self.gone[customer_id] = at


def list_all(stub, pb):
    found, token = {}, ""
    while True:
        page = stub.ListCustomers(
            pb.ListCustomersRequest(page_size=1000, page_token=token),
            metadata=[("authorization", "Bearer t")], timeout=10)
        for customer in page.customers:
            found[customer.id] = customer.given_name
        token = page.next_page_token
        if not token:
            return found


def check(found, ledger, killed_at, window):
    lost_ok = 0
    with ledger.lock:
        for customer_id, given in found.items():
            if given not in ledger.names_sent:
                raise Violation(f"{customer_id} {given!r}: no client sent it")
            if customer_id in ledger.ids and ledger.ids[customer_id] != given:
                raise Violation(f"{customer_id} names {given!r}, answered for "
                                f"{ledger.ids[customer_id]!r}")
            if customer_id not in ledger.ids:
                # Created at the kill, its answer lost: it must be new.
                ledger.ids[customer_id] = given
            gone_at = ledger.gone.get(customer_id)
            if gone_at is not None and gone_at < killed_at - window:
                raise Violation(f"{customer_id} deleted {killed_at - gone_at:.3f}"
                                " s before the kill is back")
        for customer_id, at in list(ledger.live.items()):
            if customer_id in found:
                continue
            if at < killed_at - window and customer_id not in ledger.deleting:
                raise Violation(f"{customer_id} ({ledger.ids[customer_id]}) "
                                f"acknowledged {killed_at - at:.3f} s before "
                                "the kill is missing")
            lost_ok += 1
            del ledger.live[customer_id]  # lost within the window: allowed
        # What the restarted fake holds is the truth from here on.
        for customer_id in found:
            ledger.live.setdefault(customer_id, killed_at)
            ledger.gone.pop(customer_id, None)
        for customer_id in list(ledger.gone):
            if customer_id not in found:
                del ledger.gone[customer_id]
        ledger.deleting.clear()
    return lost_ok


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", required=True)
    parser.add_argument("--protos", required=True)
    parser.add_argument("--gen-dir", required=True)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--interval", default="1s",
                        help="--state-interval, in ms or s")
    parser.add_argument("--window", type=float,
                        help="seconds before a kill within which an "
                        "acknowledged change may be lost (default: the "
                        "interval, which the fake promises)")
    parser.add_argument("--state-sync", default="periodic",
                        help="always: every acknowledged change must be "
                        "there, give --window 0")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if args.window is None:
        unit = "ms" if args.interval.endswith("ms") else "s"
        args.window = float(args.interval[:-len(unit)]) / (
            1000 if unit == "ms" else 1)

    if not os.path.isdir(os.path.join(args.gen_dir, "moia")):
        protogen.generate(args.protos, args.gen_dir)
    sys.path.insert(0, os.path.abspath(args.gen_dir))
    import grpc
    from moia.trip.customer.v1 import customer_pb2 as pb
    from moia.trip.customer.v1 import customer_pb2_grpc as pb_grpc

    rng = random.Random(args.seed)
    ledger = Ledger()
    folder = tempfile.mkdtemp(prefix="crash-harness-")
    path = os.path.join(folder, "state.yaml")
    totals = {"kills": 0, "acknowledged": 0, "lost within the window": 0,
              "seconds": 0.0}
    started = time.monotonic()
    proc = None
    try:
        for kill in range(1, args.kills + 1):
            proc, address = start(args.binary, path, args.interval,
                                  args.state_sync)
            channel = grpc.insecure_channel(address)
            stub = pb_grpc.CustomerServiceStub(channel)
            if kill > 1:
                found = list_all(stub, pb)
                lost = check(found, ledger, killed_at, args.window)
                totals["lost within the window"] += lost
                # Keep the state small, so that a write of the file stays
                # well inside the window: deletes acknowledged like any.
                for customer_id in list(found)[200:]:
                    ledger.sent_delete(customer_id)
                    stub.DeleteCustomer(
                        pb.DeleteCustomerRequest(id=customer_id),
                        metadata=[("authorization", "Bearer t")], timeout=10)
                    ledger.deleted(customer_id, time.monotonic())
            before = len(ledger.ids)
            clients = [Client(stub, pb, f"k{kill}c{i}",
                              random.Random(rng.random()), ledger)
                       for i in range(args.clients)]
            for client in clients:
                client.start()
            run = rng.uniform(0.3, 2.0)
            totals["seconds"] += run
            time.sleep(run)
            proc.send_signal(signal.SIGKILL)
            killed_at = time.monotonic()
            proc.wait()
            for client in clients:
                client.stop.set()
                client.join(timeout=10)
            channel.close()
            totals["kills"] += 1
            totals["acknowledged"] += len(ledger.ids) - before
            print(f"kill {kill}: {len(ledger.ids) - before} creates "
                  f"acknowledged, {len(ledger.live)} customers live",
                  flush=True)
        # The last kill's file loads too, and is checked.
        proc, address = start(args.binary, path, args.interval,
                              args.state_sync)
        channel = grpc.insecure_channel(address)
        found = list_all(pb_grpc.CustomerServiceStub(channel), pb)
        totals["lost within the window"] += check(found, ledger, killed_at,
                                                  args.window)
        channel.close()
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=10)
    except Violation as violation:
        print(f"VIOLATION after {totals['kills']} kills: {violation}")
        return 1
    finally:
        if proc is not None and proc.poll() is None:
            proc.kill()  # the fake a violation was found on
            proc.wait()
        for name in os.listdir(folder):
            os.remove(os.path.join(folder, name))
        os.rmdir(folder)
    print(f"--state-sync {args.state_sync}: "
          f"{totals['kills']} kills in {time.monotonic() - started:.0f} s: "
          f"the file loaded every time; {totals['acknowledged']} creates "
          f"acknowledged ({totals['acknowledged'] / totals['seconds']:.0f} a "
          f"second from {args.clients} clients), none lost that was acknowledged more than "
          f"{args.window} s before a kill ({totals['lost within the window']} "
          f"within it), no customer no client sent, no id answered twice")
    return 0


if __name__ == "__main__":
    sys.exit(main())
