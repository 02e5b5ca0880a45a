#!/usr/bin/python3
"""Runs the Python client tests against a customer-fake binary.

  run_tests.py --binary BIN --protos DIR --scenarios DIR --gen-dir DIR [-k PATTERN]
               [--api-protos DIR --files official_*.py]

Generates the proto modules into --gen-dir, runs every test_*.py beside this
file (or those --files names) and ends with one line `N passed, N failed`.
Exit status 1 on any failure. --api-protos takes the API's modules from
another folder (an integrator's official protos); the tests find it in
fake_process.api_protos_dir().
"""

import argparse
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))


class CountingResult(unittest.TextTestResult):
    passed = 0

    def addSuccess(self, test):
        super().addSuccess(test)
        self.passed += 1

    def failed(self):
        broken = [test for test, _ in self.failures + self.errors] + self.unexpectedSuccesses
        return len({getattr(test, "test_case", test).id() for test in broken})  # subtests -> their test


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", required=True)
    parser.add_argument("--protos", required=True)
    parser.add_argument("--scenarios", required=True)
    parser.add_argument("--gen-dir", required=True)
    parser.add_argument("--api-protos")
    parser.add_argument("--files", default="test_*.py")
    parser.add_argument("-k", dest="patterns", action="append",
                        help="only tests whose name matches (unittest -k)")
    args = parser.parse_args()

    sys.path.insert(0, HERE)
    import protogen
    protogen.generate(args.protos, args.gen_dir, args.api_protos)
    sys.path.insert(0, os.path.abspath(args.gen_dir))

    import fake_process
    fake_process.configure(os.path.abspath(args.binary), os.path.abspath(args.scenarios),
                           args.api_protos and os.path.abspath(args.api_protos))

    loader = unittest.TestLoader()
    if args.patterns:
        loader.testNamePatterns = [p if "*" in p else f"*{p}*" for p in args.patterns]
    suite = loader.discover(HERE, pattern=args.files, top_level_dir=HERE)
    result = unittest.TextTestRunner(verbosity=2, resultclass=CountingResult).run(suite)
    failed = result.failed()
    print(f"{result.passed} passed, {failed} failed", flush=True)
    return 0 if failed == 0 and result.passed > 0 and result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
