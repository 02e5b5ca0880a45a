#!/usr/bin/python3
"""`customer-fake conformance` as an integrator runs it.

Usage: python3 conformance_cli_test.py BINARY BARE_SERVER SCENARIOS_DIR

Against the fake every check passes and the namespace is left exactly as it
was; against the benchmarks' bare server (a constant answer to every call)
exactly the checks listed in BARE_SERVER_DIFFERS differ; options that cannot
work together are usage errors (exit 2); an endpoint that does not answer is
exit 3; Ctrl-C stops the run with exit 130 and still deletes what it made.
Standard library only.
"""

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import unittest

BINARY = None
BARE_SERVER = None
SCENARIOS = None
TIMEOUT = 120  # seconds for one conformance run

# The bare server answers every call with the same customer or page: it
# validates nothing, finds everything, checks no token and hands out the same
# page token again. What it gets right by accident passes.
BARE_SERVER_DIFFERS = {
    "auth.no_token", "auth.not_bearer",
    "create.returns_customer", "create.same_data_twice",
    "create.name.both_empty", "create.given_name.too_long",
    "create.family_name.too_long", "create.email.empty",
    "create.email.implausible", "create.email.too_long", "create.phone.e164",
    "create.language.iso639", "create.validation_order",
    "delete.then_not_found", "delete.unknown_id",
    "errors.domain",
    "flags.after_delete", "flags.invalid", "flags.sorted",
    "flags.unknown_customer",
    "get.returns_created", "get.unknown_id",
    "list.creation_order", "list.no_trailing_empty_page",
    "list.page_size_negative", "list.stable_while_writing",
    "list.token_from_other_list", "list.token_tampered",
    "update.replaces_fields", "update.unknown_id", "update.validation",
}


def environment():
    return {key: value for key, value in os.environ.items()
            if not key.startswith("CUSTOMER_FAKE_")}


class Server:
    """A server process that prints "listening on HOST:PORT" first."""

    def __init__(self, *argv):
        self.process = subprocess.Popen(
            list(argv), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, env=environment())
        line = self.process.stdout.readline()
        if not line.startswith("listening on "):
            self.process.kill()
            raise RuntimeError("server did not start: " + line +
                               self.process.stderr.read())
        self.address = line.split()[-1]

    def stop(self):
        self.process.terminate()
        self.process.communicate(timeout=10)


def run(*args):
    return subprocess.run([BINARY, *args], capture_output=True, text=True,
                          timeout=TIMEOUT, env=environment())


def rows(stdout):
    """id -> verdict of a --json report."""
    return {check["id"]: check["result"]
            for check in json.loads(stdout)["checks"]}


class AgainstTheFake(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.fake = Server(BINARY, "serve", "--listen", "127.0.0.1:0",
                          "--scenario",
                          os.path.join(SCENARIOS, "default.yaml"),
                          "--log-level", "off")

    @classmethod
    def tearDownClass(cls):
        cls.fake.stop()

    def export(self, ns):
        result = run("export", "--addr", self.fake.address, "--namespace", ns)
        self.assertEqual(result.returncode, 0, result.stderr)
        return result.stdout

    def test_every_check_passes_and_the_namespace_is_left_as_it_was(self):
        before = self.export("conformance-table")
        result = run("conformance", "--addr", self.fake.address,
                     "--namespace", "conformance-table")
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        lines = result.stdout.splitlines()
        self.assertEqual(lines[0].split()[:2], ["CHECK", "RESULT"])
        checks = [line for line in lines[1:-1] if not line.startswith(" ")]
        verdicts = [line.split()[1] for line in checks]
        self.assertTrue(verdicts)
        self.assertEqual(set(verdicts), {"pass"}, result.stdout)
        self.assertEqual(lines[-1],
                         "%d passed, 0 differ, 0 skipped" % len(verdicts))
        self.assertEqual(result.stderr, "")
        self.assertEqual(self.export("conformance-table"), before)

    def test_json_report(self):
        result = run("conformance", "--addr", self.fake.address,
                     "--namespace", "conformance-json", "--json")
        self.assertEqual(result.returncode, 0, result.stderr)
        report = json.loads(result.stdout)
        self.assertEqual(list(report), ["checks", "summary", "not_deleted"])
        self.assertEqual(report["not_deleted"], [])
        self.assertEqual(report["summary"],
                         {"passed": len(report["checks"]), "differ": 0,
                          "skipped": 0})
        for check in report["checks"]:
            self.assertEqual(list(check),
                             ["id", "expected", "result", "observed"])
            self.assertEqual(check["result"], "pass", check)

    def test_only_runs_the_matching_checks(self):
        result = run("conformance", "--addr", self.fake.address,
                     "--namespace", "conformance-only", "--only", "flags.*",
                     "--json")
        self.assertEqual(result.returncode, 0, result.stderr)
        ids = rows(result.stdout)
        self.assertIn("flags.sorted", ids)
        self.assertTrue(all(i.startswith("flags.") for i in ids), ids)

    def test_one_flag_skips_the_check_that_needs_two(self):
        result = run("conformance", "--addr", self.fake.address,
                     "--namespace", "conformance-flag", "--only", "flags.*",
                     "--flag", "AUTONOMOUS_TRIPS_ALLOWED", "--json")
        self.assertEqual(result.returncode, 0, result.stderr)
        report = json.loads(result.stdout)
        self.assertEqual(rows(result.stdout)["flags.sorted"], "skipped")
        self.assertEqual(report["summary"]["skipped"], 1)

    def test_a_fault_rule_makes_exactly_the_affected_checks_differ(self):
        ns = "conformance-fault"
        added = run("fault", "add", "--addr", self.fake.address,
                    "--namespace", ns,
                    "{method: DeleteCustomer, action: {code: OK, response: {}}}")
        self.assertEqual(added.returncode, 0, added.stderr)
        result = run("conformance", "--addr", self.fake.address,
                     "--namespace", ns, "--only", "delete.*", "--json")
        # Deletes "succeed" without deleting: the customer is still there,
        # and an unknown id is not refused. The kit cannot clean up either.
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertEqual(rows(result.stdout),
                         {"delete.then_not_found": "differs",
                          "delete.unknown_id": "differs"})
        left = json.loads(result.stdout)["not_deleted"]
        self.assertEqual(left, [], "a canned OK is not a failure to delete")

    def test_ctrl_c_stops_and_deletes_what_was_made(self):
        ns = "conformance-interrupted"
        slow = run("fault", "add", "--addr", self.fake.address,
                   "--namespace", ns, "{method: GetCustomer, action: {delay: 300ms}}")
        self.assertEqual(slow.returncode, 0, slow.stderr)
        before = self.export(ns)
        process = subprocess.Popen(
            [BINARY, "conformance", "--addr", self.fake.address,
             "--namespace", ns], stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True, env=environment())
        time.sleep(1.5)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=TIMEOUT)
        self.assertEqual(process.returncode, 130, out + err)
        self.assertIn("interrupted; the customers it made are deleted", err)
        self.assertEqual(self.export(ns), before)


class AgainstTheBareServer(unittest.TestCase):

    def test_exactly_the_known_checks_differ(self):
        bare = Server(BARE_SERVER, "--listen", "127.0.0.1:0")
        try:
            result = run("conformance", "--addr", bare.address, "--json")
        finally:
            bare.stop()
        self.assertEqual(result.returncode, 1, result.stderr)
        verdicts = rows(result.stdout)
        differ = {i for i, verdict in verdicts.items() if verdict == "differs"}
        self.assertEqual(differ, BARE_SERVER_DIFFERS)
        self.assertEqual(
            {verdict for i, verdict in verdicts.items() if i not in differ},
            {"pass"})


class Usage(unittest.TestCase):

    def assertUsage(self, args, message):
        result = run("conformance", *args)
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertIn(message, result.stderr)
        self.assertEqual(result.stdout, "")

    def test_plaintext_and_tls_ca_exclude_each_other(self):
        self.assertUsage(["--plaintext", "--tls-ca", "ca.pem"],
                         "--plaintext and --tls-ca exclude each other")

    def test_one_token(self):
        self.assertUsage(["--token", "a", "--token", "b"],
                         "--token is given 2 times; conformance sends one")

    def test_token_url_needs_client(self):
        self.assertUsage(["--token-url", "http://127.0.0.1:1/auth/oauth/token"],
                         "--token-url needs --client")

    def test_no_arguments(self):
        self.assertUsage(["127.0.0.1:50051"],
                         'takes no arguments, got "127.0.0.1:50051"')

    def test_only_that_matches_nothing(self):
        fake = Server(BINARY, "serve", "--listen", "127.0.0.1:0")
        try:
            self.assertUsage(["--addr", fake.address, "--only", "nope.*"],
                             "--only nope.* matches no check")
        finally:
            fake.stop()

    def test_no_answer_is_exit_3(self):
        result = run("conformance", "--addr", "127.0.0.1:1")
        self.assertEqual(result.returncode, 3, result.stderr)
        self.assertIn("no answer from 127.0.0.1:1", result.stderr)


class OverTlsAndOAuth(unittest.TestCase):

    def test_tls_with_the_self_signed_ca_and_an_oauth_token(self):
        with tempfile.TemporaryDirectory() as tls:
            fake = Server(BINARY, "serve", "--listen", "127.0.0.1:0",
                          "--tls-self-signed", tls, "--auth", "oauth",
                          "--oauth-listen", "127.0.0.1:0",
                          "--oauth-client", "conformance:secret",
                          "--log-level", "off")
            try:
                oauth = None
                while oauth is None:
                    line = fake.process.stdout.readline()
                    if line.startswith("oauth on "):
                        oauth = line.split()[-1]
                result = run("conformance", "--addr", fake.address,
                             "--tls-ca", os.path.join(tls, "ca.pem"),
                             "--token-url",
                             "https://%s/auth/oauth/token" % oauth,
                             "--client", "conformance:secret", "--json")
                self.assertEqual(result.returncode, 0,
                                 result.stdout + result.stderr)
                self.assertEqual(set(rows(result.stdout).values()), {"pass"})
                wrong = run("conformance", "--addr", fake.address,
                            "--tls-ca", os.path.join(tls, "ca.pem"),
                            "--token-url",
                            "https://%s/auth/oauth/token" % oauth,
                            "--client", "conformance:wrong")
                self.assertEqual(wrong.returncode, 3, wrong.stderr)
            finally:
                fake.stop()


if __name__ == "__main__":
    BINARY, BARE_SERVER, SCENARIOS = sys.argv[1:4]
    del sys.argv[1:4]
    unittest.main(verbosity=2)
