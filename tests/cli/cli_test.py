#!/usr/bin/python3
"""The customer-fake command line as a person or a script uses it.

Usage: python3 cli_test.py BINARY SCENARIOS_DIR

Runs the binary as a subprocess and checks exit codes (0 ok, 1 refused,
2 bad usage, 3 unreachable), what lands on stdout and on stderr, and the
state a running fake is left in. Standard library only. The last line of
output is "N passed, N failed"; the exit code is non-zero on any failure.
"""

import json
import os
import re
import select
import signal
import subprocess
import sys
import tempfile
import time
import unittest

import runner  # tests/cli/runner.py

BINARY = None
SCENARIOS = None
TIMEOUT = 30  # seconds for any one command

COMMANDS = ["serve", "validate", "reset", "load", "export", "fault add",
            "fault list", "fault remove", "fault clear", "calls",
            "calls clear", "namespaces", "namespace delete", "health",
            "conformance"]

ONE_OF_EACH = """\
version: 1
customers:
  - given_name: Ann
    family_name: Lee
    email_address: ann@example.com
    language_code: en
    phone_number: "+4915112345678"
faults:
  - {id: one, method: GetCustomer, sequence: [{code: UNAVAILABLE}]}
"""

HEALTH_HELP = """\
Usage:
  customer-fake health [flags]

Asks the fake at --addr whether it serves: exit 0 when SERVING (the
container's probe), 1 when it answers otherwise, 3 without an answer. A state
file the fake cannot write (a full disk, a read-only folder) is shown on a
second line, and with --json what failed and since when; the fake still
serves, so the exit code stays 0.

Flags (client):
  --addr HOST:PORT            client commands: the fake's control address;
                              conformance: the API endpoint to check (default:
                              127.0.0.1:50051)
  --timeout DURATION          client commands: how long to wait (default: 5s)
  --json                      client commands: print JSON for machines
  --tls-ca FILE               client commands: connect over TLS, trusting this
                              CA certificate (PEM)
  --tls-server-name NAME      client commands: the name the fake's certificate
                              must cover, when it is not --addr's host
  --tls-self-signed DIR       serve TLS with a local CA and a server certificate
                              for localhost, 127.0.0.1 and ::1 kept in this
                              folder, made at the first start and reused while
                              valid; clients trust DIR/ca.pem (client commands
                              do too, without --tls-ca)
  -h, --help                  this text

Each flag --foo-bar can also be set as CUSTOMER_FAKE_FOO_BAR; the command
line wins. Exit codes and all commands: customer-fake --help.
"""

BAD_SCENARIO = """\
version: 1
settings:
  auth: { mode: sometimes }
customers:
  - given_name: Ann
    email_address: not-an-email
    language_code: en
    phone_number: "+4915112345678"
    colour: blue
"""


# What serve prints on stderr once it listens.
VERSION_LINE = r"^customer-fake [0-9.]+ \(commit \w+\)\n$"


class AnyVersionLine(str):
    """Equal to any line VERSION_LINE matches."""

    def __eq__(self, other):
        return re.match(VERSION_LINE, other + "\n") is not None

    __hash__ = str.__hash__


ANY_VERSION_LINE = AnyVersionLine("customer-fake VERSION (commit ...)")


def environment(extra=None):
    """This process's environment without CUSTOMER_FAKE_* variables, plus
    `extra`: a test sets exactly the variables it means."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith("CUSTOMER_FAKE_")}
    env.update(extra or {})
    return env


def run(*args, timeout=TIMEOUT, env=None):
    """Runs the binary to completion; a CompletedProcess with text output."""
    return subprocess.run([BINARY, *args], capture_output=True, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL,
                          env=environment(env))


def describe(result):
    return (f"\nexit {result.returncode}\nstdout: {result.stdout!r}"
            f"\nstderr: {result.stderr!r}")


def default_customers():
    """(id, email) of every customer in default.yaml, read with a regex."""
    with open(os.path.join(SCENARIOS, "default.yaml"), encoding="utf-8") as f:
        text = f.read()
    ids = re.findall(r"^\s*- id: ([0-9a-f-]{36})\s*$", text, re.M)
    emails = re.findall(r"^\s*email_address: (\S+)\s*$", text, re.M)
    return ids, emails


class Server:
    """`customer-fake serve` in the background, stopped with SIGTERM."""

    def __init__(self, *extra, env=None, flags=True):
        """`flags`: pass --listen 127.0.0.1:0 --log-level off (else `env`
        has to say where to listen)."""
        self.stderr = tempfile.TemporaryFile(mode="w+")
        base = ["--listen", "127.0.0.1:0", "--log-level", "off"] if flags else []
        # stdout unbuffered (bytes): select() in _read_line must see every
        # line, and a buffered reader may already hold the next one.
        self.proc = subprocess.Popen(
            [BINARY, "serve", *base, *extra],
            stdout=subprocess.PIPE, stderr=self.stderr,
            stdin=subprocess.DEVNULL, bufsize=0, env=environment(env))
        self.first_line = self._read_line(TIMEOUT)
        match = re.fullmatch(r"listening on (127\.0\.0\.1:\d+)\n",
                             self.first_line or "")
        if not match:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError(
                f"serve did not print 'listening on ADDR' first: "
                f"{self.first_line!r}; stderr: {self.read_stderr()!r}")
        self.addr = match.group(1)

    def _read_line(self, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.proc.stdout], [], [], 0.1)
            if ready or self.proc.poll() is not None:
                return self.proc.stdout.readline().decode("utf-8")
        return None

    def read_stderr(self):
        self.stderr.seek(0)
        return self.stderr.read()

    def terminate(self, timeout=15):
        """SIGTERM; the exit code."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return None
        finally:
            self.proc.stdout.close()

    def close(self):
        if self.proc.poll() is None:
            self.terminate()
        self.stderr.close()


class UsageTest(unittest.TestCase):
    """Help, bad flags and bad values: nothing running needed."""

    def test_help_exits_0_and_mentions_every_command(self):
        result = run("--help")
        self.assertEqual(result.returncode, 0, describe(result))
        for command in COMMANDS:
            self.assertIn(f"customer-fake {command}", result.stdout,
                          f"--help does not mention {command!r}")
        self.assertEqual(result.stderr, "")

    def test_help_command_is_the_same_as_the_flag(self):
        self.assertEqual(run("help").stdout, run("--help").stdout)

    def test_help_mentions_the_client_and_log_flags(self):
        result = run("--help")
        self.assertEqual(result.returncode, 0, describe(result))
        flags = ["--listen", "--scenario", "--control-token", "--auth",
                 "--log-format", "--log-level", "--addr", "--namespace",
                 "--json", "--timeout", "--method", "--tls-cert", "--tls-key",
                 "--tls-self-signed", "--tls-host", "--tls-ca", "--tls-server-name"]
        missing = [flag for flag in flags
                   if not re.search(rf"{re.escape(flag)}\b", result.stdout)]
        self.assertEqual(missing, [], "flags --help does not document")

    def test_unknown_flag_is_one_line_naming_it(self):
        for args in (["--bogus-flag"], ["serve", "--bogus-flag", "1"],
                     ["health", "--bogus-flag=1"]):
            with self.subTest(args=args):
                result = run(*args)
                self.assertEqual(result.returncode, 2, describe(result))
                lines = result.stderr.splitlines()
                self.assertEqual(len(lines), 1, describe(result))
                self.assertIn("--bogus-flag", lines[0])
                self.assertEqual(result.stdout, "")

    def test_bad_auth_value_is_bad_usage(self):
        result = run("serve", "--listen", "127.0.0.1:0", "--auth", "sometimes")
        self.assertEqual(result.returncode, 2, describe(result))
        self.assertIn("sometimes", result.stderr)
        self.assertIn("--auth", result.stderr)
        self.assertNotIn("listening on", result.stdout)

    def test_bad_log_level_and_format_are_bad_usage(self):
        for args in (["--log-level", "loud"], ["--log-format", "xml"]):
            with self.subTest(args=args):
                result = run("serve", "--listen", "127.0.0.1:0", *args)
                self.assertEqual(result.returncode, 2, describe(result))
                self.assertIn(args[0], result.stderr)
                self.assertIn(args[1], result.stderr)

    def test_auth_tokens_without_a_token_is_bad_usage(self):
        result = run("serve", "--listen", "127.0.0.1:0", "--auth", "tokens")
        self.assertEqual(result.returncode, 2, describe(result))
        self.assertIn("--token", result.stderr)

    def test_no_command_and_unknown_command_are_bad_usage(self):
        for args in ([], ["frobnicate"]):
            with self.subTest(args=args):
                result = run(*args)
                self.assertEqual(result.returncode, 2, describe(result))
                self.assertNotEqual(result.stderr.strip(), "")
                if args:
                    self.assertIn("frobnicate", result.stderr)

    def test_bad_client_usage_is_exit_2(self):
        cases = [
            ["fault"],
            ["fault", "explode"],
            ["fault", "remove"],
            ["load"],
            ["export", "extra"],
            ["calls", "extra"],
            ["calls", "clear", "extra"],
            ["namespace"],
            ["namespace", "delete"],
            ["namespace", "delete", "a", "b"],
            ["namespace", "drop", "a"],
            ["namespaces", "extra"],
            ["health", "--timeout", "soon"],
            ["health", "--timeout", "0s"],
            ["load", "/nonexistent/scenario.yaml"],
        ]
        for args in cases:
            with self.subTest(args=args):
                # Port 1: nothing there, so a command that did go out would
                # exit 3, not 2.
                result = run(*args, "--addr", "127.0.0.1:1")
                self.assertEqual(result.returncode, 2, describe(result))
                self.assertNotEqual(result.stderr.strip(), "")

    def test_each_command_has_its_own_help(self):
        for command in ("serve", "validate", "reset", "load", "export",
                        "fault", "calls", "namespaces", "namespace",
                        "health"):
            with self.subTest(command=command):
                result = run(command, "--help")
                self.assertEqual((result.returncode, result.stderr), (0, ""))
                self.assertTrue(result.stdout.startswith(
                    f"Usage:\n  customer-fake {command}"), result.stdout)
                self.assertNotEqual(result.stdout, run("--help").stdout)
                # -h and `help COMMAND` are the same.
                self.assertEqual(run(command, "-h").stdout, result.stdout)
                self.assertEqual(run("help", command).stdout, result.stdout)
        self.assertEqual(run("-h").stdout, run("--help").stdout)
        serve = run("serve", "--help").stdout
        self.assertIn("\n  --listen HOST:PORT  ", serve)
        self.assertIn("\n  --tls-self-signed DIR  ", serve)
        self.assertNotIn("--addr", serve)
        calls = run("calls", "--help").stdout
        for flag in ("--method METHOD", "--applied", "--addr HOST:PORT",
                     "--namespace NAME", "--json"):
            self.assertIn(f"\n  {flag} ", calls)
        self.assertNotIn("--listen", calls)
        self.assertIn("customer-fake fault add FILE|YAML",
                      run("fault", "--help").stdout)

    def test_health_help_in_full(self):
        self.assertEqual(run("health", "--help").stdout, HEALTH_HELP)

    def test_global_help_puts_server_and_client_flags_apart(self):
        text = run("--help").stdout
        server = text.index("\nServer flags")
        client = text.index("\nClient flags")
        self.assertLess(server, text.index("  --listen HOST:PORT "), client)
        self.assertLess(client, text.index("  --addr HOST:PORT "))

    def test_flags_that_do_not_apply_are_refused(self):
        cases = [
            (["health", "--listen", "127.0.0.1:9"], "--listen does not apply "
             "to health: it is a flag of serve; the fake to talk to is --addr "
             "(see customer-fake health --help)"),
            (["serve", "--json"], "--json does not apply to serve: it is a "
             "flag of the client commands (see customer-fake serve --help)"),
            (["serve", "--addr", "127.0.0.1:9"], "--addr does not apply to "
             "serve: it is a flag of the client commands; serve listens on "
             "--listen (see customer-fake serve --help)"),
            (["reset", "--method", "GetCustomer"], "--method does not apply "
             "to reset: it is a flag of calls (see customer-fake reset "
             "--help)"),
            (["calls", "clear", "--applied"], "--applied does not apply to "
             "calls clear: it is a flag of calls (see customer-fake calls "
             "--help)"),
            (["health", "--namespace", "x"], "--namespace does not apply to "
             "health: it is a flag of reset, load, export, fault, calls and "
             "conformance (see customer-fake health --help)"),
            (["validate", "--log-level", "off", "x.yaml"], "--log-level does "
             "not apply to validate: it is a flag of serve (see customer-fake "
             "validate --help)"),
        ]
        for args, message in cases:
            with self.subTest(args=args):
                result = run(*args)
                self.assertEqual(
                    (result.returncode, result.stdout, result.stderr),
                    (2, "", f"customer-fake: {message}\n"))

    def test_variables_that_do_not_apply_are_not_refused(self):
        # The environment is shared by serve and the client commands.
        result = run("health", "--addr", "127.0.0.1:1", "--timeout", "1s",
                     env={"CUSTOMER_FAKE_LISTEN": "127.0.0.1:9",
                          "CUSTOMER_FAKE_LOG_LEVEL": "off"})
        self.assertEqual(result.returncode, 3, describe(result))

    def test_misspellings_get_a_suggestion(self):
        cases = [
            (["serve", "--lisen", "127.0.0.1:0"], "unknown flag --lisen (did "
             "you mean --listen?) (see --help)"),
            (["health", "--adr", "127.0.0.1:1"], "unknown flag --adr (did "
             "you mean --addr?) (see --help)"),
            (["heath"], 'unknown command "heath" (did you mean health?) (see '
             "--help)"),
            (["frobnicate"], 'unknown command "frobnicate" (see --help)'),
        ]
        for args, message in cases:
            with self.subTest(args=args):
                result = run(*args)
                self.assertEqual((result.returncode, result.stderr),
                                 (2, f"customer-fake: {message}\n"))

    def test_misspelled_subcommands_get_a_suggestion(self):
        cases = [
            (["calls", "claer"], 'customer-fake: calls takes no arguments but '
             'clear, got "claer" (did you mean clear?); use --method to '
             "filter (see --help)\n"),
            (["fault", "lsit"], "customer-fake: use: fault add FILE-or-YAML | "
             "fault list | fault remove ID | fault clear (did you mean "
             "list?) (see --help)\n"),
            (["namespace", "delte", "x"], "customer-fake: use: namespace list "
             "| namespace delete NAME (did you mean delete?) (see --help)\n"),
        ]
        for args, stderr in cases:
            with self.subTest(args=args):
                result = run(*args, "--addr", "127.0.0.1:1")
                self.assertEqual((result.returncode, result.stderr),
                                 (2, stderr))

    def test_calls_of_an_unknown_method_is_bad_usage_naming_the_methods(self):
        # It listed nothing and exited 0, as if the client had not called.
        methods = ("GetCustomer, ListCustomers, CreateCustomer, "
                   "UpdateCustomer, DeleteCustomer, ListCustomerFlags, "
                   "AddCustomerFlag, RemoveCustomerFlag")
        for method, hint in (("Nope", ""),
                             ("GetCustomers", " (did you mean GetCustomer?)")):
            with self.subTest(method=method):
                result = run("calls", "--method", method, "--addr",
                             "127.0.0.1:1")
                self.assertEqual(result.returncode, 2, describe(result))
                self.assertEqual(result.stdout, "")
                self.assertEqual(
                    result.stderr,
                    f'customer-fake: unknown method "{method}" for --method'
                    f"{hint}: use one of {methods}, a full name like "
                    "/moia.trip.customer.v1.CustomerService/GetCustomer, or "
                    "* for all (see --help)\n")


class ScenarioFileTest(unittest.TestCase):
    """serve --scenario and validate on good and bad files."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.bad = os.path.join(cls.tmp.name, "bad.yaml")
        with open(cls.bad, "w", encoding="utf-8") as f:
            f.write(BAD_SCENARIO)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def assert_bad_file_problems(self, stderr):
        # Every problem, each as file:line:column: path: what.
        for line, column, path in ((3, 17, "settings.auth.mode"),
                                   (6, 20, "customers[0].email_address"),
                                   (9, 5, "customers[0].colour")):
            self.assertRegex(
                stderr,
                rf"(?m)^(customer-fake: )?{re.escape(self.bad)}:{line}:"
                rf"{column}: {re.escape(path)}: \S",
                f"missing the problem at {line}:{column} ({path})")

    def test_serve_refuses_a_bad_scenario_with_every_problem(self):
        result = run("serve", "--listen", "127.0.0.1:0", "--scenario",
                     self.bad)
        self.assertEqual(result.returncode, 2, describe(result))
        self.assert_bad_file_problems(result.stderr)
        self.assertNotIn("listening on", result.stdout)

    def test_serve_refuses_a_missing_scenario(self):
        missing = os.path.join(self.tmp.name, "missing.yaml")
        result = run("serve", "--listen", "127.0.0.1:0", "--scenario",
                     missing)
        self.assertEqual(result.returncode, 2, describe(result))
        self.assertIn(missing, result.stderr)

    def test_validate_accepts_every_shipped_scenario(self):
        files = sorted(os.path.join(SCENARIOS, name)
                       for name in os.listdir(SCENARIOS)
                       if name.endswith(".yaml"))
        self.assertIn(os.path.join(SCENARIOS, "default.yaml"), files)
        result = run("validate", *files)
        self.assertEqual(result.returncode, 0, describe(result))
        for file in files:
            self.assertRegex(result.stdout, rf"(?m)^{re.escape(file)}: ok")
        self.assertEqual(result.stderr, "")

    def test_validate_refuses_a_bad_file_and_still_checks_the_rest(self):
        good = os.path.join(SCENARIOS, "default.yaml")
        result = run("validate", self.bad, good)
        self.assertEqual(result.returncode, 1, describe(result))
        self.assert_bad_file_problems(result.stderr)
        self.assertRegex(result.stdout, rf"(?m)^{re.escape(good)}: ok")
        self.assertNotIn(self.bad, result.stdout)

    def test_counts_of_one_are_singular(self):
        path = os.path.join(self.tmp.name, "one.yaml")
        with open(path, "w", encoding="utf-8") as f:
            f.write(ONE_OF_EACH)
        result = run("validate", path)
        self.assertEqual(result.returncode, 0, describe(result))
        self.assertEqual(result.stdout,
                         f"{path}: ok (1 customer, 1 fault rule)\n")
        server = Server()
        try:
            loaded = run("load", path, "--addr", server.addr)
            self.assertEqual(loaded.returncode, 0, describe(loaded))
            self.assertEqual(loaded.stdout,
                             "loaded 1 customer, 1 fault rule into default\n")
            listed = run("fault", "list", "--addr", server.addr)
            self.assertEqual(listed.stdout, "one  GetCustomer  sequence of 1 "
                             "action  matched=0 acted=0\n")
        finally:
            server.close()

    def test_validate_without_files_is_bad_usage(self):
        result = run("validate")
        self.assertEqual(result.returncode, 2, describe(result))
        self.assertNotEqual(result.stderr.strip(), "")


class RunningFakeTest(unittest.TestCase):
    """Client commands against one fake serving default.yaml."""

    @classmethod
    def setUpClass(cls):
        cls.server = Server("--scenario",
                            os.path.join(SCENARIOS, "default.yaml"))
        cls.addr = cls.server.addr

    @classmethod
    def tearDownClass(cls):
        cls.server.close()

    def client(self, *args):
        return run(*args, "--addr", self.addr)

    def ok(self, *args):
        result = self.client(*args)
        self.assertEqual(result.returncode, 0, f"{args}{describe(result)}")
        return result

    def rules(self, ns):
        result = self.ok("fault", "list", "--json", "--namespace", ns)
        return json.loads(result.stdout).get("rules", [])

    def test_first_line_is_listening_on(self):
        self.assertRegex(self.server.first_line,
                         r"^listening on 127\.0\.0\.1:\d+\n$")
        self.assertNotEqual(self.addr, "127.0.0.1:0")

    def test_health_prints_serving(self):
        result = self.ok("health")
        self.assertEqual(result.stdout.strip(), "SERVING")

    def test_health_json(self):
        result = self.ok("health", "--json")
        self.assertEqual(json.loads(result.stdout), {"status": "SERVING"})

    def test_health_of_a_closed_port_is_unreachable(self):
        started = time.monotonic()
        result = run("health", "--addr", "127.0.0.1:1", "--timeout", "1s")
        self.assertEqual(result.returncode, 3, describe(result))
        self.assertIn("127.0.0.1:1", result.stderr)
        self.assertEqual(result.stdout, "")
        self.assertLess(time.monotonic() - started, 10)

    def test_other_commands_of_a_closed_port_are_unreachable(self):
        for args in (["reset"], ["namespaces"], ["fault", "list"]):
            with self.subTest(args=args):
                result = run(*args, "--addr", "127.0.0.1:1", "--timeout",
                             "1s")
                self.assertEqual(result.returncode, 3, describe(result))

    def test_fault_add_prints_an_id_that_fault_list_shows(self):
        self.ok("reset", "--namespace", "n1")
        result = self.ok("fault", "add",
                         "{method: GetCustomer, action: {code: UNAVAILABLE}}",
                         "--namespace", "n1")
        rule_id = result.stdout.strip()
        self.assertRegex(rule_id, r"^\S+$", describe(result))

        rules = self.rules("n1")
        self.assertEqual(len(rules), 1, rules)
        rule = rules[0]["rule"]
        self.assertEqual(rule["id"], rule_id)
        self.assertEqual(rule["method"], "GetCustomer")
        self.assertEqual(rule["action"]["code"], "UNAVAILABLE")
        # Not in another namespace.
        self.assertEqual(self.rules("fault-elsewhere"), [])

        text = self.ok("fault", "list", "--namespace", "n1").stdout
        self.assertIn(rule_id, text)
        self.assertIn("GetCustomer", text)
        self.assertIn("UNAVAILABLE", text)

    def test_fault_add_from_a_file(self):
        with tempfile.NamedTemporaryFile("w", suffix=".yaml") as f:
            f.write("id: from-file\nmethod: CreateCustomer\n"
                    "action: {code: INTERNAL}\n")
            f.flush()
            self.ok("fault", "clear", "--namespace", "fault-file")
            result = self.ok("fault", "add", f.name, "--namespace",
                             "fault-file")
        self.assertEqual(result.stdout.strip(), "from-file")
        self.assertEqual([r["rule"]["id"] for r in self.rules("fault-file")],
                         ["from-file"])

    def test_fault_add_refuses_a_bad_rule_and_adds_nothing(self):
        self.ok("fault", "clear", "--namespace", "fault-bad")
        result = self.client("fault", "add", "{method: Nope}", "--namespace",
                             "fault-bad")
        self.assertEqual(result.returncode, 1, describe(result))
        self.assertIn("Nope", result.stderr)
        self.assertIn("method", result.stderr)
        self.assertEqual(result.stdout, "")
        self.assertEqual(self.rules("fault-bad"), [])

    def test_fault_remove_and_clear(self):
        ns = "fault-remove"
        self.ok("fault", "clear", "--namespace", ns)
        first = self.ok("fault", "add", "{id: a, method: '*', action: "
                        "{code: UNAVAILABLE}}", "--namespace", ns)
        self.ok("fault", "add", "{id: b, method: ListCustomers, action: "
                "{code: INTERNAL}}", "--namespace", ns)
        self.assertEqual(first.stdout.strip(), "a")
        self.ok("fault", "remove", "a", "--namespace", ns)
        self.assertEqual([r["rule"]["id"] for r in self.rules(ns)], ["b"])
        missing = self.client("fault", "remove", "a", "--namespace", ns)
        self.assertEqual(missing.returncode, 1, describe(missing))
        self.ok("fault", "clear", "--namespace", ns)
        self.assertEqual(self.rules(ns), [])

    def test_export_shows_the_default_customers(self):
        result = self.ok("export", "--namespace", "n1")
        ids, emails = default_customers()
        self.assertEqual(len(ids), 12)
        for value in ids + emails:
            self.assertIn(value, result.stdout)
        self.assertRegex(result.stdout, r"(?m)^version: 1$")

    def test_ns_is_an_alias_of_namespace(self):
        self.ok("fault", "clear", "--ns", "alias-ns")
        self.ok("fault", "add", "{id: via-ns, method: GetCustomer, action: "
                "{code: UNAVAILABLE}}", "--ns", "alias-ns")
        self.assertEqual([r["rule"]["id"] for r in self.rules("alias-ns")],
                         ["via-ns"])

    def test_load_then_export_shows_its_customers(self):
        result = self.ok("load", os.path.join(SCENARIOS, "ci-tokens.yaml"),
                         "--namespace", "n2")
        self.assertIn("2 customers", result.stdout)
        exported = self.ok("export", "--namespace", "n2").stdout
        for value in ("Erika", "Mustermann", "erika.mustermann@example.de",
                      "John", "john.doe@example.com", "ci-token-1"):
            self.assertIn(value, exported)
        self.assertRegex(exported, r"mode: tokens")
        # The default scenario's customers are gone from n2 only.
        self.assertNotIn("test-customer@example.com", exported)
        self.assertIn("test-customer@example.com",
                      self.ok("export", "--namespace", "n1").stdout)

    def test_load_of_a_bad_file_is_refused_and_changes_nothing(self):
        with tempfile.NamedTemporaryFile("w", suffix=".yaml") as f:
            f.write(BAD_SCENARIO)
            f.flush()
            before = self.ok("export", "--namespace", "load-bad").stdout
            result = self.client("load", f.name, "--namespace", "load-bad")
        self.assertEqual(result.returncode, 1, describe(result))
        self.assertIn("settings.auth.mode", result.stderr)
        self.assertIn("customers[0].colour", result.stderr)
        self.assertEqual(self.ok("export", "--namespace", "load-bad").stdout,
                         before)

    def test_reset_drops_the_fault_rules(self):
        self.ok("fault", "add", "{method: GetCustomer, action: "
                "{code: UNAVAILABLE}}", "--namespace", "n1")
        self.assertNotEqual(self.rules("n1"), [])
        result = self.ok("reset", "--namespace", "n1")
        self.assertIn("n1", result.stdout)
        listed = self.ok("fault", "list", "--namespace", "n1")
        self.assertEqual(listed.stdout, "")
        self.assertEqual(self.rules("n1"), [])

    def test_reset_empty_leaves_no_customers(self):
        ids, _ = default_customers()
        self.ok("reset", "empty", "--namespace", "reset-empty")
        exported = self.ok("export", "--namespace", "reset-empty").stdout
        for customer_id in ids:
            self.assertNotIn(customer_id, exported)
        self.ok("reset", "--namespace", "reset-empty")
        exported = self.ok("export", "--namespace", "reset-empty").stdout
        for customer_id in ids:
            self.assertIn(customer_id, exported)

    def test_calls_without_calls_is_empty(self):
        self.ok("reset", "--namespace", "n1")
        result = self.ok("calls", "--method", "GetCustomer", "--namespace",
                         "n1")
        self.assertEqual(result.stdout, "")
        self.assertEqual(result.stderr, "customer-fake: no calls in namespace "
                         "n1 for GetCustomer\n")
        result = self.ok("calls", "--method", "GetCustomer", "--namespace",
                         "n1", "--json")
        self.assertEqual(result.stdout, '{"calls": []}\n')

    def test_readme_export_reset_load_and_reset_to_start(self):
        # README: `export > state.yaml`, `reset --to-start`,
        # `load state.yaml`: the saved state again, and the new baseline.
        ns = ["--namespace", "readme"]
        start = self.ok("export", "--namespace", "readme-fresh").stdout
        self.ok("fault", "add", "{id: saved-rule, method: GetCustomer, "
                "action: {code: UNAVAILABLE}}", *ns)
        saved = self.ok("export", *ns).stdout
        self.assertIn("saved-rule", saved)
        with tempfile.NamedTemporaryFile("w", suffix=".yaml") as f:
            f.write(saved)
            f.flush()
            self.ok("reset", "--to-start", *ns)
            self.assertEqual(self.ok("export", *ns).stdout, start)
            loaded = self.ok("load", f.name, *ns)
        self.assertEqual(loaded.stdout,
                         "loaded 12 customers, 1 fault rule into readme\n")
        self.assertEqual(self.ok("export", *ns).stdout, saved)
        # The loaded file is the baseline now: reset comes back to it.
        self.ok("fault", "clear", *ns)
        self.assertEqual(self.ok("reset", *ns).stdout, "reset readme\n")
        self.assertEqual(self.ok("export", *ns).stdout, saved)
        # --to-start: the scenario the server started with, for good.
        result = self.ok("reset", "--to-start", *ns)
        self.assertEqual(result.stdout, "reset readme to the scenario the "
                         "server started with\n")
        self.assertEqual(self.ok("export", *ns).stdout, start)
        self.ok("load", os.path.join(SCENARIOS, "ci-tokens.yaml"), *ns)
        self.ok("reset", "--to-start", *ns)
        self.ok("reset", *ns)
        self.assertEqual(self.ok("export", *ns).stdout, start)

    def test_reset_empty_and_to_start_exclude_each_other(self):
        result = self.client("reset", "empty", "--to-start")
        self.assertEqual((result.returncode, result.stdout, result.stderr),
                         (2, "", "customer-fake: reset empty and --to-start "
                          "exclude each other: reset to nothing or to the "
                          "scenario the server started with (see --help)\n"))

    def test_namespace_delete_drops_it(self):
        self.ok("fault", "add", "{method: GetCustomer, action: "
                "{code: UNAVAILABLE}}", "--namespace", "doomed")
        self.assertIn("doomed", self.ok("namespaces").stdout.split())
        result = self.ok("namespace", "delete", "doomed")
        self.assertEqual(result.stdout, "deleted doomed\n")
        self.assertNotIn("doomed", self.ok("namespace", "list").stdout.split())
        again = self.client("namespace", "delete", "doomed")
        self.assertEqual(again.returncode, 1, describe(again))
        self.assertEqual(again.stderr, 'customer-fake: no namespace "doomed" '
                         "(NAMESPACE_NOT_FOUND)\n")
        # Created anew on first use, as a fresh copy of the baseline.
        self.assertEqual(self.rules("doomed"), [])

    def test_calls_clear(self):
        result = self.ok("calls", "clear", "--namespace", "n1")
        self.assertEqual(result.stdout, "cleared the journal of n1\n")

    def test_namespaces_lists_the_ones_in_use(self):
        self.ok("export", "--namespace", "n1")
        self.ok("export", "--namespace", "n2")
        result = self.ok("namespaces")
        names = result.stdout.split()
        self.assertIn("n1", names)
        self.assertIn("n2", names)


class ControlTokenTest(unittest.TestCase):
    """A fake started with --control-token, and how it stops."""

    @classmethod
    def setUpClass(cls):
        cls.server = Server("--control-token", "s3cret")

    @classmethod
    def tearDownClass(cls):
        cls.server.close()

    def test_reset_without_the_token_is_refused(self):
        result = run("reset", "--addr", self.server.addr)
        self.assertEqual(result.returncode, 1, describe(result))
        self.assertIn("PERMISSION_DENIED", result.stderr)

    def test_reset_with_a_wrong_token_is_refused(self):
        result = run("reset", "--addr", self.server.addr, "--control-token",
                     "guess")
        self.assertEqual(result.returncode, 1, describe(result))
        self.assertIn("PERMISSION_DENIED", result.stderr)

    def test_reset_with_the_token_succeeds(self):
        result = run("reset", "--addr", self.server.addr, "--control-token",
                     "s3cret")
        self.assertEqual(result.returncode, 0, describe(result))

    def test_health_needs_no_token(self):
        result = run("health", "--addr", self.server.addr)
        self.assertEqual(result.returncode, 0, describe(result))
        self.assertEqual((result.stdout, result.stderr), ("SERVING\n", ""))


class EnvironmentTest(unittest.TestCase):
    """Flags from CUSTOMER_FAKE_* variables, as a container or CI service
    sets them: the same checks as flags, errors name the variable, and the
    command line wins."""

    def assert_bad_usage_naming(self, result, *words):
        self.assertEqual(result.returncode, 2, describe(result))
        lines = result.stderr.splitlines()
        self.assertEqual(len(lines), 1, describe(result))
        for word in words:
            self.assertIn(word, lines[0])
        self.assertNotIn("listening on", result.stdout)

    def test_serve_takes_listen_scenario_auth_and_tokens_from_env(self):
        server = Server(flags=False, env={
            "CUSTOMER_FAKE_LISTEN": "127.0.0.1:0",
            "CUSTOMER_FAKE_LOG_LEVEL": "off",
            "CUSTOMER_FAKE_SCENARIO": os.path.join(SCENARIOS, "default.yaml"),
            "CUSTOMER_FAKE_AUTH": "tokens",
            "CUSTOMER_FAKE_TOKEN": "env-token-1,env-token-2",
            "CUSTOMER_FAKE_MAX_NAMESPACES": "2",
        })
        try:
            exported = run("export", "--addr", server.addr)
            self.assertEqual(exported.returncode, 0, describe(exported))
            ids, _ = default_customers()
            for customer_id in ids:
                self.assertIn(customer_id, exported.stdout)
            self.assertRegex(exported.stdout, r"mode: tokens")
            self.assertRegex(exported.stdout,
                             r'tokens: \["env-token-1", "env-token-2"\]')
            # Two namespaces at most: "default" above and one more.
            self.assertEqual(
                run("reset", "--addr", server.addr, "--namespace",
                    "second").returncode, 0)
            third = run("reset", "--addr", server.addr, "--namespace",
                        "third")
            self.assertEqual(third.returncode, 1, describe(third))
            # Only the version serve says at start.
            self.assertRegex(server.read_stderr(), VERSION_LINE)
        finally:
            self.assertEqual(server.terminate(), 0, server.read_stderr())
            server.close()

    def test_control_token_from_env(self):
        server = Server(env={"CUSTOMER_FAKE_CONTROL_TOKEN": "env-secret"})
        try:
            refused = run("reset", "--addr", server.addr)
            self.assertEqual(refused.returncode, 1, describe(refused))
            self.assertIn("PERMISSION_DENIED", refused.stderr)
            # The client commands read the same variable.
            accepted = run("reset", "--addr", server.addr,
                           env={"CUSTOMER_FAKE_CONTROL_TOKEN": "env-secret"})
            self.assertEqual(accepted.returncode, 0, describe(accepted))
        finally:
            server.close()

    def test_dashboard_from_env_answers_its_page_and_api(self):
        server = Server(env={"CUSTOMER_FAKE_UI_LISTEN": "127.0.0.1:0"})
        try:
            line = server._read_line(TIMEOUT)
            match = re.fullmatch(r"dashboard on (http://127\.0\.0\.1:\d+/)\n",
                                 line or "")
            self.assertTrue(match, repr(line))
            import urllib.request
            with urllib.request.urlopen(match.group(1)) as page:
                self.assertEqual(page.status, 200)
                self.assertEqual(page.headers["Content-Type"],
                                 "text/html; charset=utf-8")
            with urllib.request.urlopen(match.group(1) + "api/v1/namespaces") as api:
                self.assertEqual(api.read(), b'{"namespaces":[]}')
        finally:
            self.assertEqual(server.terminate(), 0, server.read_stderr())
            server.close()

    def test_dashboard_bad_address_exits_2(self):
        result = run("serve", "--listen", "127.0.0.1:0", "--ui-listen", "nowhere")
        self.assertEqual(result.returncode, 2, describe(result))
        self.assertEqual(
            result.stderr.splitlines()[-1],
            'customer-fake: bad dashboard listen address "nowhere": use HOST:PORT')

    def test_command_line_wins_over_env(self):
        # The variable's value is not even checked when the flag is given.
        server = Server("--scenario", os.path.join(SCENARIOS, "default.yaml"),
                        "--auth", "none", env={
                            "CUSTOMER_FAKE_LISTEN": "127.0.0.1:1",
                            "CUSTOMER_FAKE_SCENARIO": os.path.join(
                                SCENARIOS, "ci-tokens.yaml"),
                            "CUSTOMER_FAKE_AUTH": "sometimes",
                        })
        try:
            self.assertNotEqual(server.addr, "127.0.0.1:1")
            exported = run("export", "--addr", server.addr).stdout
            self.assertIn("test-customer@example.com", exported)
            self.assertNotIn("erika.mustermann@example.de", exported)
            self.assertRegex(exported, r"mode: none")
        finally:
            server.close()

    def test_repeated_flag_on_the_command_line_ignores_the_env_list(self):
        server = Server("--auth", "tokens", "--token", "a", "--token", "b",
                        env={"CUSTOMER_FAKE_TOKEN": "from-env"})
        try:
            exported = run("export", "--addr", server.addr).stdout
            self.assertRegex(exported, r'tokens: \["a", "b"\]')
            self.assertNotIn("from-env", exported)
        finally:
            server.close()

    def test_client_commands_take_addr_and_namespace_from_env(self):
        server = Server()
        try:
            env = {"CUSTOMER_FAKE_ADDR": server.addr,
                   "CUSTOMER_FAKE_NAMESPACE": "from-env"}
            added = run("fault", "add", "{id: env-rule, method: GetCustomer, "
                        "action: {code: UNAVAILABLE}}", env=env)
            self.assertEqual(added.returncode, 0, describe(added))
            listed = run("fault", "list", "--json", "--addr", server.addr,
                         "--namespace", "from-env")
            self.assertEqual(
                [r["rule"]["id"]
                 for r in json.loads(listed.stdout).get("rules", [])],
                ["env-rule"])
            elsewhere = run("fault", "list", "--json", env={
                **env, "CUSTOMER_FAKE_NAMESPACE": "default"})
            self.assertEqual(json.loads(elsewhere.stdout).get("rules", []),
                             [], describe(elsewhere))
        finally:
            server.close()

    def test_bad_values_name_the_variable(self):
        cases = [
            ({"CUSTOMER_FAKE_AUTH": "sometimes"}, "sometimes"),
            ({"CUSTOMER_FAKE_LOG_FORMAT": "xml"}, "xml"),
            ({"CUSTOMER_FAKE_LOG_LEVEL": "loud"}, "loud"),
            ({"CUSTOMER_FAKE_SEED": "-1"}, "-1"),
            ({"CUSTOMER_FAKE_MAX_NAMESPACES": "many"}, "many"),
            ({"CUSTOMER_FAKE_JOURNAL_ENTRIES": "0"}, "got 0"),
            ({"CUSTOMER_FAKE_MAX_MESSAGE_BYTES": "100"},
             "must be between 4096 and 2147483647, got 100"),
            ({"CUSTOMER_FAKE_JOURNAL_BYTES": "0"}, "must be at least 1, got 0"),
            ({"CUSTOMER_FAKE_AUTH": "tokens"}, "CUSTOMER_FAKE_TOKEN"),
        ]
        for env, word in cases:
            with self.subTest(env=env):
                result = run("serve", "--listen", "127.0.0.1:0", env=env)
                (variable,) = env
                self.assert_bad_usage_naming(result, variable, word)
                flag = "--" + variable[len("CUSTOMER_FAKE_"):].lower()
                self.assertNotIn(flag.replace("_", "-") + " ", result.stderr)

    def test_bad_client_value_names_the_variable(self):
        result = run("health", "--addr", "127.0.0.1:1",
                     env={"CUSTOMER_FAKE_TIMEOUT": "soon"})
        self.assert_bad_usage_naming(result, "CUSTOMER_FAKE_TIMEOUT", "soon")

    def test_unknown_variable_is_ignored_with_a_warning_naming_it(self):
        # The environment is shared: GitLab passes a job's variables to its
        # services, so e.g. CUSTOMER_FAKE_IMAGE must not stop the fake.
        unknown = {"CUSTOMER_FAKE_LISTEN_ADDRESS": "0.0.0.0:1",
                   "CUSTOMER_FAKE_HELP": "true"}
        warnings = [
            "customer-fake: ignoring CUSTOMER_FAKE_HELP: there is no flag "
            "--help (see --help)",
            "customer-fake: ignoring CUSTOMER_FAKE_LISTEN_ADDRESS: there is "
            "no flag --listen-address (see --help)",
        ]
        server = Server(env=unknown)
        try:
            self.assertEqual(server.read_stderr().splitlines(),
                             warnings + [ANY_VERSION_LINE])
            health = run("health", "--addr", server.addr, env=unknown)
            self.assertEqual(health.returncode, 0, describe(health))
            self.assertEqual(health.stdout, "SERVING\n")
            self.assertEqual(health.stderr.splitlines(), warnings)
        finally:
            server.close()
        default = os.path.join(SCENARIOS, "default.yaml")
        validated = run("validate", default, env=unknown)
        self.assertEqual(validated.returncode, 0, describe(validated))
        self.assertEqual(validated.stderr.splitlines(), warnings)

    def test_empty_variable_counts_as_unset(self):
        server = Server(env={"CUSTOMER_FAKE_SCENARIO": "",
                             "CUSTOMER_FAKE_MAX_NAMESPACES": "",
                             "CUSTOMER_FAKE_AUTH": ""})
        try:
            exported = run("export", "--addr", server.addr)
            self.assertEqual(exported.returncode, 0, describe(exported))
            self.assertRegex(exported.stdout, r"(?m)^customers: \[\]$")
            self.assertRegex(exported.stdout, r"mode: any_bearer")
        finally:
            server.close()

    def test_help_tells_about_the_environment(self):
        result = run("--help")
        self.assertIn("CUSTOMER_FAKE_FOO_BAR", result.stdout)
        self.assertIn("command line wins", result.stdout)
        # Flags are listed as spelled, so the rule gives the right variable.
        # With its value's placeholder.
        self.assertRegex(result.stdout,
                         r"(?m)^  --namespace NAME +client commands")

    def test_variable_of_a_flags_short_alias_points_to_the_right_one(self):
        result = run("namespaces", "--addr", "127.0.0.1:1", "--timeout",
                     "1s", env={"CUSTOMER_FAKE_NS": "team"})
        self.assertIn("customer-fake: ignoring CUSTOMER_FAKE_NS: use "
                      "CUSTOMER_FAKE_NAMESPACE\n", result.stderr)


class SignalTest(unittest.TestCase):

    def test_sigterm_exits_0(self):
        server = Server()
        try:
            health = run("health", "--addr", server.addr)
            self.assertEqual(health.returncode, 0, describe(health))
            self.assertEqual(server.terminate(), 0, server.read_stderr())
            self.assertIn("SIGTERM", server.read_stderr())
            after = run("health", "--addr", server.addr, "--timeout", "1s")
            self.assertEqual(after.returncode, 3, describe(after))
        finally:
            server.close()

    def test_sigint_exits_0(self):
        server = Server()
        try:
            server.proc.send_signal(signal.SIGINT)
            self.assertEqual(server.proc.wait(timeout=15), 0,
                             server.read_stderr())
        finally:
            server.close()


# --- Bad inputs: the CLI rows of docs/bad-inputs.md (one test per row) ---

def laughs(indent):
    """Nine levels of nine aliases: 9^9 strings when expanded."""
    lines = [f"{indent}a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    previous = "a"
    for name in "bcdefghi":
        uses = ", ".join([f"*{previous}"] * 9)
        lines.append(f"{indent}{name}: &{name} [{uses}]")
        previous = name
    return "\n".join(lines) + "\n"


class BadInputTest(unittest.TestCase):
    """Bad flag values and bad files: the exit code, one clear message, and
    for a running fake that nothing changed and it still serves."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.server = Server("--scenario",
                            os.path.join(SCENARIOS, "default.yaml"))

    @classmethod
    def tearDownClass(cls):
        cls.server.close()
        cls.tmp.cleanup()

    def write(self, name, data):
        path = os.path.join(self.tmp.name, name)
        with open(path, "wb") as f:
            f.write(data if isinstance(data, bytes) else data.encode())
        return path

    def assert_bad_serve(self, args, *parts):
        result = run("serve", "--listen", "127.0.0.1:0", *args)
        self.assertEqual(result.returncode, 2, describe(result))
        self.assertNotIn("listening on", result.stdout)
        lines = result.stderr.splitlines()
        self.assertEqual(len(lines), 1, describe(result))
        for part in parts:
            self.assertIn(part, lines[0])

    def assert_refused_file(self, path, *parts):
        result = run("validate", path)
        self.assertEqual(result.returncode, 1, describe(result))
        self.assertEqual(result.stdout, "")
        for part in parts:
            self.assertIn(part, result.stderr)
        return result

    def client(self, *args):
        return run(*args, "--addr", self.server.addr)

    def state(self, ns):
        """What a namespace stores: export and rules."""
        exported = self.client("export", "--namespace", ns)
        rules = self.client("fault", "list", "--json", "--namespace", ns)
        self.assertEqual(exported.returncode, 0, describe(exported))
        self.assertEqual(rules.returncode, 0, describe(rules))
        return exported.stdout, rules.stdout

    def assert_serving(self):
        result = self.client("health")
        self.assertEqual(result.returncode, 0, describe(result))
        self.assertEqual(result.stdout.strip(), "SERVING")

    def test_R59_max_message_bytes_too_small(self):
        self.assert_bad_serve(
            ["--max-message-bytes", "100"],
            "--max-message-bytes must be between 4096 and 2147483647, got 100")

    def test_R60_max_message_bytes_not_a_number(self):
        self.assert_bad_serve(["--max-message-bytes", "lots"],
                              'bad value "lots" for --max-message-bytes')

    def test_R61_max_scenario_bytes_zero(self):
        self.assert_bad_serve(["--max-scenario-bytes", "0"],
                              "--max-scenario-bytes must be at least 1, got 0")

    def test_R62_max_customers_negative(self):
        self.assert_bad_serve(
            ["--max-customers", "-1"],
            "--max-customers must be between 1 and 2147483647, got -1")

    def test_R63_max_customer_flags_overflows(self):
        self.assert_bad_serve(["--max-customer-flags", "99999999999999999999"],
                              'bad value "99999999999999999999" for '
                              "--max-customer-flags")

    def test_R64_journal_bytes_zero(self):
        self.assert_bad_serve(["--journal-bytes", "0"],
                              "--journal-bytes must be at least 1, got 0")

    def test_R76_max_concurrent_streams_out_of_range(self):
        self.assert_bad_serve(["--max-concurrent-streams", "0"],
                              "--max-concurrent-streams must be between 1 and "
                              "2147483647, got 0")
        self.assert_bad_serve(["--max-concurrent-streams", "2147483648"],
                              "--max-concurrent-streams must be between 1 and "
                              "2147483647, got 2147483648")

    def test_R77_max_connections_out_of_range(self):
        self.assert_bad_serve(["--max-connections", "-1"],
                              "--max-connections must be between 0 and "
                              "2147483647, got -1")
        self.assert_bad_serve(["--max-connections", "2147483648"],
                              "--max-connections must be between 0 and "
                              "2147483647, got 2147483648")

    def test_R65_max_namespaces_zero(self):
        self.assert_bad_serve(["--max-namespaces", "0"],
                              "--max-namespaces must be at least 1, got 0")

    def test_R66_seed_negative(self):
        self.assert_bad_serve(["--seed", "-1"], 'bad value "-1" for --seed')

    def test_R67_scenario_over_max_scenario_bytes(self):
        path = self.write("big.yaml", "# " + "x" * 2000 + "\n")
        self.assert_bad_serve(
            ["--scenario", path, "--max-scenario-bytes", "1000"],
            f"{path}: the scenario has 2003 bytes; at most 1000 are allowed "
            "(--max-scenario-bytes)")

    def test_R68_scenario_is_a_directory(self):
        self.assert_bad_serve(["--scenario", self.tmp.name],
                              f"{self.tmp.name}: is a directory")

    def test_R69_validate_not_utf8(self):
        path = self.write("latin1.yaml",
                          b"customers:\n  - given_name: M\xfcller\n")
        self.assert_refused_file(
            path, f"{path}:2:18: (document): byte 28 (0xfc) is not valid "
            "UTF-8")

    def test_R70_validate_deeply_nested(self):
        path = self.write("deep.yaml",
                          "customers: " + "[" * 100000 + "]" * 100000 + "\n")
        self.assert_refused_file(
            path, "not valid YAML: nested more than 499 levels deep")

    def test_R71_validate_billion_laughs(self):
        path = self.write("laughs.yaml", "laughs:\n" + laughs("  "))
        # Expanded, this would take minutes and gigabytes; run() gives up
        # (an error) after TIMEOUT seconds.
        self.assert_refused_file(
            path, f"{path}:1:1: (document): with its aliases expanded, the "
            "document is larger than 67108864 bytes")

    def test_R72_validate_many_problems(self):
        path = self.write("many.yaml",
                          "settings: {max_customers: 1000000}\ncustomers: ["
                          + ",".join(["1"] * 100000) + "]\n")
        result = self.assert_refused_file(path, "customers[0]: must be a "
                                          "mapping")
        lines = result.stderr.splitlines()
        self.assertEqual(len(lines), 1001, result.stderr[-300:])
        self.assertEqual(lines[-1], f"{path}: and 99000 more problems")

    def test_R73_load_not_utf8_changes_nothing(self):
        path = self.write("load-latin1.yaml",
                          b"customers:\n  - given_name: M\xfcller\n")
        before = self.state("bad-load")
        result = self.client("load", path, "--namespace", "bad-load")
        self.assertEqual(result.returncode, 1, describe(result))
        self.assertIn(f"{path}:2:18: (document): byte 28 (0xfc) is not valid "
                      "UTF-8", result.stderr)
        self.assertEqual(self.state("bad-load"), before)
        self.assert_serving()

    def test_R74_fault_add_over_message_limit_changes_nothing(self):
        path = self.write("huge-rule.yaml",
                          "method: GetCustomer\naction: {code: INTERNAL}\n# "
                          + "x" * (5 << 20) + "\n")
        before = self.state("bad-rule")
        result = self.client("fault", "add", path, "--namespace", "bad-rule")
        self.assertEqual(result.returncode, 1, describe(result))
        self.assertIn("Received message larger than max", result.stderr)
        self.assertEqual(self.state("bad-rule"), before)
        self.assert_serving()

    def test_R75_bad_namespace_for_a_client_command(self):
        before = self.client("namespaces").stdout
        result = self.client("export", "--namespace", "no such/namespace")
        self.assertEqual(result.returncode, 1, describe(result))
        self.assertIn('x-fake-namespace "no such/namespace" must be 1 to 64 '
                      "characters", result.stderr)
        self.assertIn("(INVALID_NAMESPACE)", result.stderr)
        self.assertEqual(self.client("namespaces").stdout, before)
        self.assert_serving()


def main():
    global BINARY, SCENARIOS
    if len(sys.argv) != 3:
        print("usage: cli_test.py BINARY SCENARIOS_DIR", file=sys.stderr)
        return 2
    BINARY = os.path.abspath(sys.argv[1])
    SCENARIOS = os.path.abspath(sys.argv[2])
    return runner.run(unittest.defaultTestLoader.loadTestsFromModule(
        sys.modules[__name__]))

if __name__ == "__main__":
    sys.exit(main())
