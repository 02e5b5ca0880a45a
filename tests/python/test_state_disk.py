"""A state file on a disk that fills up or turns read-only, over the wire:
the API goes on serving from memory, the failure is logged once and shown by
`customer-fake health` (with --json: what failed and since when), the last
good file stays whole and loads, and writing resumes by itself once the disk
takes writes again. A small tmpfs stands for the disk, so these tests need
root (the CI runs them as root); they are skipped otherwise."""

import datetime
import errno
import json
import os
import shutil
import subprocess
import tempfile
import time
import unittest

from fake_process import (CALL_TIMEOUT, FakeProcess, bearer, call, connect, create_named,
                          customer_pb2, customer_pb2_grpc, scenarios_dir)

ENOSPC = os.strerror(errno.ENOSPC)  # "No space left on device"
EROFS = os.strerror(errno.EROFS)    # "Read-only file system"


def run_binary(*args):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("CUSTOMER_FAKE_")}
    return subprocess.run([FakeProcess.binary(), *args], capture_output=True, text=True,
                          timeout=CALL_TIMEOUT * 2, stdin=subprocess.DEVNULL, env=environment)


def rfc3339(text):
    """A time `health --json` gives, as RFC 3339 in UTC ("...Z")."""
    if not text.endswith("Z"):
        raise AssertionError(f"not an RFC 3339 time in UTC: {text!r}")
    return datetime.datetime.fromisoformat(text[:-1] + "+00:00")


def mount(*args):
    result = subprocess.run(["mount", *args], capture_output=True, text=True)
    if result.returncode != 0:
        raise AssertionError(f"mount {' '.join(args)}: {result.stderr.strip()}")


@unittest.skipUnless(os.geteuid() == 0,
                     "needs root to mount a small tmpfs as the state file's disk "
                     "(mount -t tmpfs -o size=64k); run the tests as root, as the CI does")
class StateFileDiskTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="customer-fake-disk-")
        self.addCleanup(os.rmdir, self.dir)
        result = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", self.dir],
                                capture_output=True, text=True)
        if result.returncode != 0:
            self.skipTest(f"cannot mount a tmpfs on {self.dir} (a container without "
                          f"CAP_SYS_ADMIN?): {result.stderr.strip()}")
        self.addCleanup(subprocess.run, ["umount", "-l", self.dir], check=True)
        self.path = os.path.join(self.dir, "state.yaml")

    def start(self, path, *args):
        fake = FakeProcess("--scenario", os.path.join(scenarios_dir(), "default.yaml"),
                           "--state-file", path, *args)
        self.addCleanup(fake.stop)
        channel = connect(fake.address)
        self.addCleanup(channel.close)
        return fake, customer_pb2_grpc.CustomerServiceStub(channel)

    @staticmethod
    def given_names(stub):
        return [c.given_name for c in call(
            stub, "ListCustomers", customer_pb2.ListCustomersRequest(page_size=1000),
            metadata=bearer("t")).customers]

    def health(self, fake, *args):
        result = run_binary("health", "--addr", fake.address, *args)
        self.assertEqual((result.returncode, result.stderr), (0, ""), result.stdout)
        return result.stdout

    def health_json(self, fake):
        return json.loads(self.health(fake, "--json"))

    def read(self, path=None):
        with open(path or self.path, "rb") as f:
            return f.read()

    def fill(self):
        """Fills the tmpfs with a file of zeros until it is full."""
        fd = os.open(os.path.join(self.dir, "filler"), os.O_WRONLY | os.O_CREAT, 0o644)
        try:
            while True:
                os.write(fd, b"\0" * 1024)
        except OSError as full:
            self.assertEqual(full.errno, errno.ENOSPC)
        finally:
            os.close(fd)

    def assert_loads(self, content, names):
        """`content` as a state file elsewhere: a fake starts on it with
        exactly the customers `names`."""
        folder = tempfile.mkdtemp(prefix="customer-fake-copy-")
        self.addCleanup(shutil.rmtree, folder)
        copy = os.path.join(folder, "state.yaml")
        with open(copy, "wb") as f:
            f.write(content)
        fake, stub = self.start(copy)
        self.assertEqual(self.given_names(stub), names)
        self.assertEqual(fake.stop(), 0, fake.stderr())

    def log_lines(self, fake, text):
        return [line for line in fake.stderr().splitlines() if text in line]

    def test_a_full_disk_is_survived_and_writing_resumes(self):
        # always: each change tries one write before it is answered, so
        # the count of failed writes is exact; the interval never comes.
        fake, stub = self.start(self.path, "--state-sync", "always", "--state-interval", "1h")
        start_names = self.given_names(stub)
        create_named(stub, "Ann")
        good = self.read()
        self.assertIn(b"Ann", good)
        before = self.health_json(fake)
        self.assertEqual(before["status"], "SERVING")
        self.assertEqual(before["state_file"]["path"], self.path)
        self.assertIsNone(before["state_file"]["failure"])
        last_good = rfc3339(before["state_file"]["last_written"])

        self.fill()
        failing_from = datetime.datetime.now(datetime.timezone.utc)
        # The API serves from memory.
        create_named(stub, "Bob")
        create_named(stub, "Cy")
        self.assertEqual(self.given_names(stub), start_names + ["Ann", "Bob", "Cy"])

        state = self.health_json(fake)["state_file"]
        temp = f"{self.path}.tmp.{fake.proc.pid}"
        since = rfc3339(state["failure"].pop("since"))
        self.assertEqual(state, {
            "path": self.path,
            "last_written": before["state_file"]["last_written"],
            "failure": {
                "operation": "write",
                "file": temp,
                "error": ENOSPC,
                "message": f"cannot write {temp}: {ENOSPC}",
                "failed_writes": 2,
            },
        })
        self.assertLessEqual(last_good, since)
        self.assertLessEqual(failing_from - datetime.timedelta(seconds=1), since)
        lines = self.health(fake).splitlines()
        self.assertEqual(lines[0], "SERVING")
        self.assertTrue(lines[1].startswith(f"state file {self.path} not written since "),
                        lines)
        self.assertIn(f"(2 failed writes): cannot write {temp}: {ENOSPC}; serving from memory",
                      lines[1])
        self.assertEqual(len(lines), 2, lines)

        # The last good file is whole, with no temporary file beside it.
        self.assertEqual(self.read(), good)
        self.assertEqual(sorted(os.listdir(self.dir)), ["filler", "state.yaml"])
        self.assertEqual(len(self.log_lines(fake, "cannot write")), 1, fake.stderr())
        self.assertEqual(self.log_lines(fake, "cannot write")[0].split(" error ", 1)[1], (
            f"cannot write {temp}: {ENOSPC}; serving from memory, the state file keeps its "
            "last whole write and writing is retried every 30m until it succeeds"))
        self.assert_loads(good, start_names + ["Ann"])

        # Space returns: the next change writes everything, the entry clears.
        os.remove(os.path.join(self.dir, "filler"))
        create_named(stub, "Dee")
        after = self.health_json(fake)["state_file"]
        self.assertIsNone(after["failure"])
        self.assertLessEqual(since, rfc3339(after["last_written"]))
        self.assertEqual(self.health(fake), "SERVING\n")
        self.assertEqual(self.log_lines(fake, "again"),
                         [line for line in fake.stderr().splitlines()
                          if line.endswith(f" info writing {self.path} again")])
        self.assertEqual(len(self.log_lines(fake, "again")), 1, fake.stderr())
        self.assertEqual(len(self.log_lines(fake, "cannot write")), 1, fake.stderr())
        self.assertEqual(sorted(os.listdir(self.dir)), ["state.yaml"])
        self.assertEqual(fake.stop(), 0, fake.stderr())
        self.assert_loads(self.read(), start_names + ["Ann", "Bob", "Cy", "Dee"])

    def test_a_read_only_folder_is_survived_and_writing_resumes(self):
        # The periodic default: the test waits for the writes' outcome.
        fake, stub = self.start(self.path, "--state-interval", "20ms")
        start_names = self.given_names(stub)
        create_named(stub, "Ann")
        self.wait_for(lambda: b"Ann" in self.read())
        good = self.read()

        mount("-o", "remount,ro", self.dir)
        remounted = True
        try:
            create_named(stub, "Bob")
            self.assertEqual(self.given_names(stub), start_names + ["Ann", "Bob"])
            # Several failed writes, one log line.
            state = self.wait_for(lambda: (
                lambda s: s["failure"] and s["failure"]["failed_writes"] >= 3 and s)(
                    self.health_json(fake)["state_file"]))
            temp = f"{self.path}.tmp.{fake.proc.pid}"
            failure = dict(state["failure"])
            rfc3339(failure.pop("since"))
            failure.pop("failed_writes")
            self.assertEqual(failure, {
                "operation": "create",
                "file": temp,
                "error": EROFS,
                "message": f"cannot write {temp}: {EROFS}",
            })
            self.assertEqual(len(self.log_lines(fake, "cannot write")), 1, fake.stderr())
            self.assertEqual(self.read(), good)
            self.assertEqual(os.listdir(self.dir), ["state.yaml"])
            self.assert_loads(good, start_names + ["Ann"])

            mount("-o", "remount,rw", self.dir)
            remounted = False
        finally:
            if remounted:
                mount("-o", "remount,rw", self.dir)
        self.wait_for(lambda: self.health_json(fake)["state_file"]["failure"] is None)
        self.assertIn(b"Bob", self.read())
        self.assertEqual(len(self.log_lines(fake, f"writing {self.path} again")), 1,
                         fake.stderr())
        self.assertEqual(len(self.log_lines(fake, "cannot write")), 1, fake.stderr())
        self.assertEqual(fake.stop(), 0, fake.stderr())
        self.assert_loads(self.read(), start_names + ["Ann", "Bob"])

    def wait_for(self, condition):
        """condition()'s first true value, asked again until then (at most
        CALL_TIMEOUT: the periodic writes come every few milliseconds)."""
        deadline = time.monotonic() + CALL_TIMEOUT
        while True:
            value = condition()
            if value:
                return value
            if time.monotonic() > deadline:
                self.fail("the condition did not come true")
            time.sleep(0.02)


if __name__ == "__main__":
    unittest.main()
