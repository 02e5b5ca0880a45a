"""`customer-fake calls` after real calls: the table a person reads and the
JSON a script reads. (tests/cli/cli_test.py has no gRPC client to make calls
with; this suite does.)"""

import json
import re
import subprocess
import time

import grpc

from customerfake.control.v1 import control_pb2, control_pb2_grpc
from fake_process import FakeProcess, FakeTestCase, call
from moia.trip.customer.v1 import customer_pb2

NS = "cli-calls"
GUIDE = dict(email_address="test-customer@moia.io", family_name="Customer",
             given_name="Test", language_code="en", phone_number="+4997259173740")
MISSING = "7ba438cc-4724-4be1-8c59-f82558f4fde8"
RULE = ("{id: flaky, method: CreateCustomer, sequence: [{code: UNAVAILABLE},"
        " {code: UNAVAILABLE, reason: BACKEND_DOWN, message: try later}, {code: OK}]}")

# With the arrival times and the gaps (over 0.1 s: "+0.25s") masked, digit
# for digit so the columns stay as wide.
TABLE = """\
#  TIME (UTC)    METHOD          ATTEMPT  GAP     CODE         REASON              RULE   OUTCOME         APPLIED  MESSAGE
1  HH:MM:SS.mmm  CreateCustomer  1                UNAVAILABLE                      flaky  error_injected
2  HH:MM:SS.mmm  CreateCustomer  2        +N.NNs  UNAVAILABLE  BACKEND_DOWN        flaky  error_injected           try later
3  HH:MM:SS.mmm  CreateCustomer  3        +N.NNs  OK                               flaky                  yes
4  HH:MM:SS.mmm  GetCustomer     1                NOT_FOUND    CUSTOMER_NOT_FOUND                                  no customer with id "7ba438cc-4724-4be1-8c59-f82558f4fde8"
"""

KEYS = ["sequence", "method", "request_json", "metadata", "code", "reason", "message",
        "fault_rule", "arrival_time", "deadline", "duration", "attempt",
        "since_previous_attempt", "applied", "outcome"]


class CallsCommandTest(FakeTestCase):
    def setUp(self):
        super().setUp()
        self.control = control_pb2_grpc.ControlServiceStub(self.channel)

    def cli(self, *args):
        return subprocess.run(
            [FakeProcess.binary(), *args, "--addr", self.fake.address, "--namespace", NS],
            capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)

    def retry_create_then_get(self):
        call(self.control, "AddFaultRule", control_pb2.AddFaultRuleRequest(yaml=RULE),
             [("x-fake-namespace", NS)])
        for _ in range(3):
            try:
                self.call("CreateCustomer", customer_pb2.CreateCustomerRequest(**GUIDE),
                          metadata=[("x-fake-namespace", NS)])
                break
            except grpc.RpcError:
                time.sleep(0.25)
        with self.assertRaises(grpc.RpcError):
            self.call("GetCustomer", customer_pb2.GetCustomerRequest(id=MISSING),
                      metadata=[("x-fake-namespace", NS)])

    def test_table_has_a_header_short_methods_gaps_and_no_repeated_code(self):
        self.retry_create_then_get()
        result = self.cli("calls")
        self.assertEqual(result.returncode, 0, result.stderr)
        masked = re.sub(r"\d\d:\d\d:\d\d\.\d\d\d", "HH:MM:SS.mmm", result.stdout)
        masked = re.sub(r"\+\d\.\d\ds", "+N.NNs", masked)
        self.assertEqual(masked, TABLE)
        # The arrival time is the journal's, in UTC, to the millisecond.
        calls = json.loads(self.cli("calls", "--json").stdout)["calls"]
        times = re.findall(r"(?m)^\d+  (\S+)", result.stdout)
        self.assertEqual(times, [c["arrival_time"][11:23] for c in calls])

    def test_json_has_every_key_in_order_with_one_type_each(self):
        self.retry_create_then_get()
        result = self.cli("calls", "--json")
        self.assertEqual(result.returncode, 0, result.stderr)
        calls = json.loads(result.stdout)["calls"]
        self.assertEqual(len(calls), 4)
        for entry in calls:
            self.assertEqual(list(entry), KEYS)
            self.assertIsInstance(entry["sequence"], int)
            self.assertIsInstance(entry["attempt"], int)
            self.assertIsInstance(entry["applied"], bool)
            self.assertIsInstance(entry["metadata"], dict)
            for key in ("method", "request_json", "code", "reason", "message",
                        "fault_rule", "arrival_time", "duration", "outcome"):
                self.assertIsInstance(entry[key], str, key)
        self.assertEqual([c["sequence"] for c in calls], [1, 2, 3, 4])
        self.assertEqual([c["attempt"] for c in calls], [1, 2, 3, 1])
        self.assertIsNone(calls[0]["since_previous_attempt"])
        self.assertRegex(calls[1]["since_previous_attempt"], r"^0\.\d+s$")
        self.assertRegex(calls[0]["deadline"], r"^\d{4}-\d\d-\d\dT")  # calls set one
        self.assertEqual([c["applied"] for c in calls], [False, False, True, False])
        self.assertEqual(calls[0]["method"],
                         "/moia.trip.customer.v1.CustomerService/CreateCustomer")

    def test_empty_journal(self):
        result = self.cli("calls", "--json")
        self.assertEqual((result.returncode, result.stdout), (0, '{"calls": []}\n'))
        result = self.cli("calls")
        self.assertEqual((result.returncode, result.stdout, result.stderr),
                         (0, "", f"customer-fake: no calls in namespace {NS}\n"))

    def test_calls_clear_empties_the_journal(self):
        self.retry_create_then_get()
        result = self.cli("calls", "clear")
        self.assertEqual((result.returncode, result.stdout),
                         (0, f"cleared the journal of {NS}\n"))
        self.assertEqual(self.cli("calls", "--json").stdout, '{"calls": []}\n')
