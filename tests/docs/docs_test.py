"""Every example in the docs runs: YAML scenarios validate, fault rules load,
and the README's shell commands (`$B ...` lines) succeed against a fake.

Usage: docs_test.py BINARY REPO_ROOT. YAML blocks are ```yaml fences whose
first line is `# scenario` or `# fault rule`.
"""

import os
import pathlib
import re
import subprocess
import sys
import tempfile
import unittest

BINARY, ROOT = os.path.abspath(sys.argv[1]), pathlib.Path(sys.argv[2]).resolve()
FENCE = re.compile(r"^```yaml\n(# (scenario|fault rule)\n.*?)^```", re.M | re.S)


def examples(kind):
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for match in FENCE.finditer(path.read_text()):
            if match.group(2) == kind:
                yield path.name, match.group(1)


class DocsTest(unittest.TestCase):
    def test_there_are_examples_of_both_kinds(self):
        self.assertGreaterEqual(len(list(examples("scenario"))), 1)
        self.assertGreaterEqual(len(list(examples("fault rule"))), 5)

    def test_scenario_examples_validate(self):
        for name, text in examples("scenario"):
            with self.subTest(doc=name), tempfile.NamedTemporaryFile("w", suffix=".yaml") as f:
                f.write(text)
                f.flush()
                run = subprocess.run([BINARY, "validate", f.name], capture_output=True, text=True)
                self.assertEqual(run.returncode, 0, run.stderr)

    def test_fault_rule_examples_are_accepted(self):
        server = subprocess.Popen([BINARY, "serve", "--listen", "127.0.0.1:0", "--log-level", "off"],
                                  stdout=subprocess.PIPE, text=True)
        try:
            address = server.stdout.readline().split()[-1]
            rules = list(examples("fault rule"))
            for name, text in rules:
                with self.subTest(doc=name, rule=text):
                    run = subprocess.run([BINARY, "fault", "add", text, "--addr", address],
                                         capture_output=True, text=True)
                    self.assertEqual(run.returncode, 0, run.stderr)
            listed = subprocess.run([BINARY, "fault", "list", "--addr", address],
                                    capture_output=True, text=True)
            self.assertEqual(len(listed.stdout.splitlines()), len(rules), listed.stdout)
        finally:
            server.terminate()
            self.assertEqual(server.wait(timeout=10), 0)

    def test_readme_commands_run(self):
        block = re.search(r"^B=build/default/fake/customer-fake\n(.*?)^```",
                          (ROOT / "README.md").read_text(), re.M | re.S).group(1)
        commands = [line.split("#")[0].strip() for line in block.splitlines()]
        self.assertGreaterEqual(len(commands), 5)
        server = subprocess.Popen([BINARY, "serve", "--listen", "127.0.0.1:0", "--log-level", "off"],
                                  stdout=subprocess.PIPE, text=True)
        try:
            address = server.stdout.readline().split()[-1]
            with tempfile.TemporaryDirectory() as work:
                for command in commands:
                    # The README's commands assume the default address.
                    shell = command.replace("$B ", f"{BINARY} --addr {address} ")
                    shell = shell.replace(f"--addr {address} validate scenarios",
                                          f"validate {ROOT}/scenarios")
                    with self.subTest(command=command):
                        run = subprocess.run(shell, shell=True, cwd=work,
                                             capture_output=True, text=True)
                        self.assertEqual(run.returncode, 0, run.stderr)
        finally:
            server.terminate()
            self.assertEqual(server.wait(timeout=10), 0)


    def test_every_bad_input_row_has_exactly_one_test(self):
        # docs/bad-inputs.md's rows and the tests named after them: a row
        # without a test, a test without a row or a doubled id fails.
        rows = re.findall(r"^\| (R\d+) \|", (ROOT / "docs" / "bad-inputs.md").read_text(), re.M)
        self.assertGreaterEqual(len(rows), 40)
        self.assertEqual(len(rows), len(set(rows)), "a row id is used twice")
        gtest = (ROOT / "tests" / "api" / "bad_input_test.cc").read_text()
        cli = (ROOT / "tests" / "cli" / "cli_test.py").read_text()
        tests = (re.findall(r"^TEST_F\(BadInput, (R\d+)_\w+\)", gtest, re.M)
                 + re.findall(r"^    def test_(R\d+)_\w+\(", cli, re.M))
        self.assertEqual(sorted(tests), sorted(rows))

    def test_every_conformance_check_is_documented(self):
        # The ids of fake/conformance/checks.cc and docs/conformance.md's
        # table: a check the doc does not name, or a name that is no check.
        checks = set(re.findall(r'^  add\("([a-z0-9_.]+)"',
                                (ROOT / "fake" / "conformance" / "checks.cc").read_text(), re.M))
        doc = (ROOT / "docs" / "conformance.md").read_text()
        table = doc[doc.index("## The checks"):doc.index("## The kit and")]
        named = set(re.findall(r"`([a-z0-9_]+\.[a-z0-9_.]+)`", table))
        self.assertGreaterEqual(len(checks), 30)
        self.assertEqual(sorted(named), sorted(checks))


if __name__ == "__main__":
    result = unittest.main(argv=sys.argv[:1], exit=False).result
    # A failing subtest is reported per subtest; count each test once.
    failed = len({getattr(test, "test_case", test).id()
                  for test, _ in result.failures + result.errors})
    print(f"{result.testsRun - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)
