"""The runner the standalone test scripts of tests/cli/ share: runs a suite
verbosely and prints "N passed, N failed" as its last line (with the skipped
ones in brackets when there are any), so that ctest's log shows the count."""

import sys
import unittest


def run(suite):
    """Runs `suite`; returns the exit code: 0 when every test that ran
    passed and at least one ran, 1 otherwise."""
    result = unittest.TextTestRunner(stream=sys.stdout, verbosity=2).run(suite)
    # A test with several failing subtests, or a failing class setup, counts
    # once.
    failing = {getattr(test, "test_case", test).id()
               for test, _ in result.failures + result.errors}
    failing |= {test.id() for test in result.unexpectedSuccesses}
    failed = len(failing)
    skipped = len(result.skipped)
    passed = max(result.testsRun - failed - skipped, 0)
    print(f"{passed} passed, {failed} failed" +
          (f" ({skipped} skipped)" if skipped else ""))
    return 0 if failed == 0 and result.testsRun > skipped else 1
