#!/usr/bin/python3
"""The version on the command line: `--version` and `version` print CMake's
project version and the commit; serve says it at start, its state file
records it, and refuses a state file from a newer version.

Usage: python3 version_test.py BINARY VERSION SCENARIOS_DIR

Standard library only. The last line of output is "N passed, N failed"; the
exit code is non-zero on any failure.
"""

import os
import re
import subprocess
import sys
import tempfile
import unittest

import runner  # tests/cli/runner.py

BINARY = VERSION = SCENARIOS = None
LINE = None  # what --version must print, as a regular expression


def environment():
    return {key: value for key, value in os.environ.items()
            if not key.startswith("CUSTOMER_FAKE_")}


def run(*args):
    return subprocess.run([BINARY, *args], capture_output=True, text=True,
                          timeout=30, stdin=subprocess.DEVNULL,
                          env=environment())


def serve(*args):
    """Starts serve; returns the process once its first line is out."""
    process = subprocess.Popen(
        [BINARY, "serve", "--listen", "127.0.0.1:0", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        stdin=subprocess.DEVNULL, env=environment())
    return process


class VersionTest(unittest.TestCase):

    def test_dash_dash_version_prints_the_cmake_version(self):
        result = run("--version")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertRegex(result.stdout, LINE)
        self.assertEqual(result.stderr, "")

    def test_version_command_prints_the_same(self):
        self.assertEqual(run("version").stdout, run("--version").stdout)
        self.assertEqual(run("version").returncode, 0)

    def test_version_wins_over_a_command_and_flags(self):
        result = run("serve", "--listen", "nonsense", "--version")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertRegex(result.stdout, LINE)

    def test_version_takes_no_arguments(self):
        result = run("version", "extra")
        self.assertEqual(result.returncode, 2)
        self.assertIn("version takes no arguments", result.stderr)

    def test_serve_logs_the_version_and_the_state_file_records_it(self):
        with tempfile.TemporaryDirectory() as folder:
            state = os.path.join(folder, "state.yaml")
            process = serve("--scenario", os.path.join(SCENARIOS, "default.yaml"),
                            "--state-file", state)
            try:
                first = process.stdout.readline()
                self.assertTrue(first.startswith("listening on "), first)
            finally:
                process.terminate()
                _, err = process.communicate(timeout=30)
            self.assertEqual(process.returncode, 0, err)
            self.assertRegex(err.splitlines(keepends=True)[0], LINE)
            with open(state) as f:
                self.assertIn(f"\nfake_version: {VERSION}\n", f.read())

    def test_a_newer_versions_state_file_stops_serve(self):
        major, minor, _ = VERSION.split(".")
        newer = f"{major}.{int(minor) + 1}.0"
        with tempfile.TemporaryDirectory() as folder:
            state = os.path.join(folder, "state.yaml")
            with open(state, "w") as f:
                f.write("format: customer-fake-state\nversion: 1\n"
                        f"fake_version: {newer}\nnamespaces: []\n")
            process = serve("--state-file", state)
            out, err = process.communicate(timeout=30)
        self.assertEqual(process.returncode, 2, err)
        self.assertEqual(out, "")
        self.assertEqual(
            err,
            f"customer-fake: {state}: written by customer-fake {newer}, newer "
            f"than this customer-fake {VERSION}; run customer-fake {newer} or "
            "later, or move the file away to start from the scenario\n")


def main():
    global BINARY, VERSION, SCENARIOS, LINE
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    BINARY, VERSION, SCENARIOS = sys.argv[1:]
    LINE = rf"^customer-fake {re.escape(VERSION)} \(commit ([0-9a-f]{{7}}|unknown)\)\n$"
    sys.exit(runner.run(
        unittest.defaultTestLoader.loadTestsFromTestCase(VersionTest)))


if __name__ == "__main__":
    main()
