#!/usr/bin/python3
"""customer-fake's allocator: jemalloc when built with CUSTOMER_FAKE_JEMALLOC
(the default, bench/RESULTS.md says why), glibc's in sanitizer builds. With
jemalloc, a LoadScenario of 8 MiB or more hands the memory its parse freed
back to the system at once, not over jemalloc's decay.

Usage: python3 allocator_test.py BINARY ON|OFF

Standard library only. The last line of output is "N passed, N failed"; the
exit code is non-zero on any failure.
"""

import os
import subprocess
import sys
import tempfile
import unittest

import runner  # tests/cli/runner.py

BINARY = None
JEMALLOC = None
STATS = "___ Begin jemalloc statistics ___"
# jemalloc's decay off: freed pages stay resident until something purges.
KEEP_FREED = "dirty_decay_ms:-1,muzzy_decay_ms:-1"


def environment(malloc_conf):
    env = {key: value for key, value in os.environ.items()
           if not key.startswith("CUSTOMER_FAKE_")}
    env["MALLOC_CONF"] = malloc_conf
    return env


def scenario(path, customers):
    with open(path, "w") as out:
        out.write("version: 1\ncustomers:\n")
        for i in range(customers):
            out.write(f"  - {{given_name: Name{i}, family_name: Family{i}, "
                      f"email_address: person.{i}@example.com, "
                      f"language_code: de, phone_number: \"+49151{i:08d}\"}}\n")


def memory_kb(pid):
    """VmHWM (the peak) and VmRSS of the process, in kB."""
    fields = {}
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            name, _, value = line.partition(":")
            fields[name] = value
    return int(fields["VmHWM"].split()[0]), int(fields["VmRSS"].split()[0])


class AllocatorTest(unittest.TestCase):
    def test_runs_on_the_allocator_it_was_built_with(self):
        # jemalloc prints its statistics at exit when MALLOC_CONF asks;
        # glibc does not read MALLOC_CONF.
        result = subprocess.run([BINARY, "--version"], capture_output=True,
                                text=True, timeout=30,
                                stdin=subprocess.DEVNULL,
                                env=environment("stats_print:true"))
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertTrue(result.stdout.startswith("customer-fake "),
                        result.stdout)
        if JEMALLOC:
            self.assertIn(STATS, result.stderr)
        else:
            self.assertNotIn(STATS, result.stderr)

    def load_and_measure(self, customers):
        """Peak and resident kB of a fake after loading `customers`."""
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "big.yaml")
            scenario(path, customers)
            size = os.path.getsize(path)
            server = subprocess.Popen(
                [BINARY, "serve", "--listen", "127.0.0.1:0",
                 "--log-level", "off", "--max-message-bytes", "67108864"],
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                stdin=subprocess.DEVNULL, env=environment(KEEP_FREED))
            try:
                line = server.stdout.readline()
                while line and not line.startswith("listening on "):
                    line = server.stdout.readline()
                self.assertTrue(line, "serve ended before listening")
                addr = line.split()[-1]
                loaded = subprocess.run(
                    [BINARY, "load", path, "--addr", addr],
                    capture_output=True, text=True, timeout=120,
                    stdin=subprocess.DEVNULL, env=environment(""))
                self.assertEqual(
                    loaded.stdout,
                    f"loaded {customers} customers, 0 fault rules into "
                    "default\n", loaded.stderr)
                return size, memory_kb(server.pid)
            finally:
                server.terminate()
                server.wait(timeout=30)

    def test_a_big_load_hands_the_freed_memory_back(self):
        if not JEMALLOC:
            self.skipTest("built without jemalloc: glibc's malloc_trim, "
                          "which bench-scale measures")
        # Below 8 MiB nothing is handed back, and with the decay off the
        # freed parse stays resident: the measurement sees what is kept.
        size, (peak, resident) = self.load_and_measure(40000)
        self.assertLess(size, 8 << 20)
        self.assertGreaterEqual(resident, peak * 0.95, (peak, resident))
        # From 8 MiB on, the parse's freed memory leaves at once.
        size, (peak, resident) = self.load_and_measure(70000)
        self.assertGreaterEqual(size, 8 << 20)
        self.assertLess(resident, peak * 0.8, (peak, resident))


def main():
    global BINARY, JEMALLOC
    if len(sys.argv) != 3 or sys.argv[2] not in ("ON", "OFF"):
        sys.exit(__doc__)
    BINARY = sys.argv[1]
    JEMALLOC = sys.argv[2] == "ON"
    sys.exit(runner.run(
        unittest.defaultTestLoader.loadTestsFromTestCase(AllocatorTest)))


if __name__ == "__main__":
    main()
