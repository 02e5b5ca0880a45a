"""ControlService over TCP: Reset, LoadScenario, ListCalls and a fault rule
that makes a client retry, as a test suite in another language would use them."""

import os

import grpc

from customerfake.control.v1 import control_pb2, control_pb2_grpc
from fake_process import FakeTestCase, call, scenarios_dir
from moia.trip.customer.v1 import customer_pb2

NAMESPACE = [("x-fake-namespace", "python-control")]
GUIDE = dict(email_address="test-customer@moia.io", family_name="Customer",
             given_name="Test", language_code="en", phone_number="+4997259173740")
SCENARIO = """
version: 1
settings: {id_seed: 5}
customers:
  - id: 7ba438cc-4724-4be1-8c59-f82558f4fde8
    given_name: Loaded
    email_address: loaded@example.com
    language_code: de
    phone_number: "+4915112345678"
    flags: [VIP]
"""


class ControlTest(FakeTestCase):
    def setUp(self):
        self.SERVE_ARGS = ("--scenario", os.path.join(scenarios_dir(), "default.yaml"))
        super().setUp()
        self.control = control_pb2_grpc.ControlServiceStub(self.channel)

    def ctl(self, method, request):
        return call(self.control, method, request, NAMESPACE)

    def api(self, method, request):
        return self.call(method, request, metadata=NAMESPACE)

    def customer_ids(self):
        response = self.api("ListCustomers", customer_pb2.ListCustomersRequest(page_size=100))
        return [c.id for c in response.customers]

    def test_reset_returns_to_the_default_scenario(self):
        baseline = self.customer_ids()
        self.assertEqual(len(baseline), 12)
        created = self.api("CreateCustomer", customer_pb2.CreateCustomerRequest(**GUIDE)).customer
        self.assertEqual(self.customer_ids(), baseline + [created.id])
        self.ctl("Reset", control_pb2.ResetRequest())
        self.assertEqual(self.customer_ids(), baseline)
        self.ctl("Reset", control_pb2.ResetRequest(empty=True))
        self.assertEqual(self.customer_ids(), [])

    def test_reset_to_start_undoes_load_scenario(self):
        start = self.customer_ids()
        self.ctl("LoadScenario", control_pb2.LoadScenarioRequest(yaml=SCENARIO))
        self.ctl("Reset", control_pb2.ResetRequest())
        self.assertEqual(self.customer_ids(), ["7ba438cc-4724-4be1-8c59-f82558f4fde8"])
        self.ctl("Reset", control_pb2.ResetRequest(to_start=True))
        self.assertEqual(self.customer_ids(), start)
        self.ctl("Reset", control_pb2.ResetRequest())
        self.assertEqual(self.customer_ids(), start)
        with self.assertRaises(grpc.RpcError) as caught:
            self.ctl("Reset", control_pb2.ResetRequest(empty=True, to_start=True))
        self.assertEqual(caught.exception.code(), grpc.StatusCode.INVALID_ARGUMENT)
        self.assertEqual(self.customer_ids(), start)

    def test_load_scenario_replaces_state_and_bad_yaml_changes_nothing(self):
        loaded = self.ctl("LoadScenario", control_pb2.LoadScenarioRequest(yaml=SCENARIO))
        self.assertEqual((loaded.customers, loaded.fault_rules), (1, 0))
        self.assertEqual(self.customer_ids(), ["7ba438cc-4724-4be1-8c59-f82558f4fde8"])
        flags = self.api("ListCustomerFlags", customer_pb2.ListCustomerFlagsRequest(
            customer_id="7ba438cc-4724-4be1-8c59-f82558f4fde8"))
        self.assertEqual(list(flags.flags), ["VIP"])

        with self.assertRaises(grpc.RpcError) as caught:
            self.ctl("LoadScenario", control_pb2.LoadScenarioRequest(
                yaml="customers:\n  - given_name: X\n    colour: red\n", source_name="bad.yaml"))
        self.assertEqual(caught.exception.code(), grpc.StatusCode.INVALID_ARGUMENT)
        self.assertIn("bad.yaml:3:5: customers[0].colour: unknown key", caught.exception.details())
        self.assertEqual(self.customer_ids(), ["7ba438cc-4724-4be1-8c59-f82558f4fde8"])

    def test_retry_through_two_unavailable_is_visible_in_the_journal(self):
        rule = self.ctl("AddFaultRule", control_pb2.AddFaultRuleRequest(yaml=(
            "{method: CreateCustomer, sequence: [{code: UNAVAILABLE, retry_delay: 50ms},"
            " {code: UNAVAILABLE}, {code: OK}]}")))
        codes = []
        for _ in range(5):  # the client's own retry loop
            try:
                self.api("CreateCustomer", customer_pb2.CreateCustomerRequest(**GUIDE))
                codes.append("OK")
                break
            except grpc.RpcError as error:
                codes.append(error.code().name)
        self.assertEqual(codes, ["UNAVAILABLE", "UNAVAILABLE", "OK"])

        calls = self.ctl("ListCalls", control_pb2.ListCallsRequest(method="CreateCustomer")).calls
        self.assertEqual([c.code for c in calls], ["UNAVAILABLE", "UNAVAILABLE", "OK"])
        self.assertEqual([c.attempt for c in calls], [1, 2, 3])
        self.assertEqual([c.fault_rule for c in calls[:2]], [rule.id, rule.id])
        self.assertFalse(calls[0].HasField("since_previous_attempt"))
        self.assertTrue(all(c.since_previous_attempt.ToNanoseconds() > 0 for c in calls[1:]))
        self.assertEqual(calls[0].metadata["authorization"], "Bearer ***")
        self.assertEqual(calls[0].method,
                         "/moia.trip.customer.v1.CustomerService/CreateCustomer")

        rules = self.ctl("ListFaultRules", control_pb2.ListFaultRulesRequest()).rules
        self.assertEqual([(r.rule.id, r.matched, r.acted) for r in rules], [(rule.id, 3, 3)])
