"""scenarios/lost-responses.yaml: the write happens, the answer is lost.

A client that retries CreateCustomer naively creates duplicates; the same
client that looks for the customer by email before retrying creates none.
The README's "When the answer is lost" section shows these clients.
"""

import os

import grpc

from fake_process import (CALL_TIMEOUT, FakeTestCase, bearer, control_pb2, control_pb2_grpc,
                          customer_pb2, scenarios_dir)

pb = customer_pb2
RETRYABLE = (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED)


def naive_create(stub, metadata, request, attempts=3, timeout=1.0):
    """Retries on UNAVAILABLE and DEADLINE_EXCEEDED, as a default policy would."""
    for attempt in range(attempts):
        try:
            return stub.CreateCustomer(request, metadata=metadata, timeout=timeout).customer
        except grpc.RpcError as error:
            if error.code() not in RETRYABLE or attempt == attempts - 1:
                raise


def deduplicating_create(stub, metadata, request, attempts=3, timeout=1.0):
    """Before each retry, looks for a customer the lost answer may have made."""
    for attempt in range(attempts):
        try:
            return stub.CreateCustomer(request, metadata=metadata, timeout=timeout).customer
        except grpc.RpcError as error:
            if error.code() not in RETRYABLE or attempt == attempts - 1:
                raise
            found = find_by_email(stub, metadata, request.email_address)
            if found is not None:
                return found


def find_by_email(stub, metadata, email):
    token = ""
    while True:
        page = stub.ListCustomers(pb.ListCustomersRequest(page_size=100, page_token=token),
                                  metadata=metadata, timeout=CALL_TIMEOUT)
        for customer in page.customers:
            if customer.email_address == email:
                return customer
        token = page.next_page_token
        if not token:
            return None


class LostResponsesTest(FakeTestCase):
    SERVE_ARGS = ("--scenario", os.path.join(scenarios_dir(), "lost-responses.yaml"))

    def setUp(self):
        super().setUp()
        self.metadata = bearer(self.TOKEN)

    def request(self, email):
        return pb.CreateCustomerRequest(email_address=email, family_name="Customer",
                                        given_name="Ada", language_code="en",
                                        phone_number="+4915100000001")

    def spend_the_lost_answer(self):
        """The scenario's first CreateCustomer is answered UNAVAILABLE."""
        with self.assertRaises(grpc.RpcError) as caught:
            self.call("CreateCustomer", self.request("first@example.com"))
        self.assertEqual(caught.exception.code(), grpc.StatusCode.UNAVAILABLE)

    def with_email(self, email):
        page = self.call("ListCustomers", pb.ListCustomersRequest(page_size=1000))
        return [c for c in page.customers if c.email_address == email]

    def journal(self):
        return control_pb2_grpc.ControlServiceStub(self.channel).ListCalls(
            control_pb2.ListCallsRequest(method="CreateCustomer"), timeout=CALL_TIMEOUT).calls

    def test_a_naive_retry_creates_a_duplicate(self):
        naive_create(self.customers, self.metadata, self.request("ada@example.com"))
        self.assertEqual(len(self.with_email("ada@example.com")), 2)
        calls = self.journal()
        self.assertEqual([(c.attempt, c.code, c.outcome, c.applied) for c in calls], [
            (1, "UNAVAILABLE", "error_injected", True),
            (2, "OK", "answered", True)])
        self.assertEqual(calls[0].fault_rule, "create-answer-lost")

    def test_deduplication_before_the_retry_creates_none(self):
        customer = deduplicating_create(self.customers, self.metadata,
                                        self.request("ada@example.com"))
        self.assertEqual(self.with_email("ada@example.com"), [customer])
        self.assertEqual([(c.code, c.applied) for c in self.journal()],
                         [("UNAVAILABLE", True)])

    def test_a_slow_success_outlasts_a_one_second_deadline(self):
        self.spend_the_lost_answer()
        with self.assertRaises(grpc.RpcError) as caught:
            self.customers.CreateCustomer(self.request("slow@example.com"),
                                          metadata=self.metadata, timeout=1.0)
        self.assertEqual(caught.exception.code(), grpc.StatusCode.DEADLINE_EXCEEDED)
        # The customer exists although the client saw its deadline pass.
        self.assertEqual(len(self.with_email("slow@example.com")), 1)

    def test_deduplication_also_covers_the_slow_success(self):
        self.spend_the_lost_answer()
        customer = deduplicating_create(self.customers, self.metadata,
                                        self.request("slow@example.com"))
        self.assertEqual(self.with_email("slow@example.com"), [customer])
