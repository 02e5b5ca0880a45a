"""The flows of the customer-management guide, authentication and seeded ids."""

import re

import grpc

from fake_process import FakeProcess, FakeTestCase, call, connect, bearer, customer_pb2, customer_pb2_grpc

pb = customer_pb2

GUIDE_CUSTOMER = dict(
    email_address="test-customer@moia.io",
    family_name="Customer",
    given_name="Test",
    language_code="en",
    phone_number="+4997259173740",
)
GUIDE_FLAG = "autonomous_trips"  # the guide leaves ${CUSTOMER_FLAG} to the integrator
UUID_V4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


class GuideFlowTest(FakeTestCase):

    def test_create_customer_returns_fields_and_uuid(self):
        customer = self.create_customer(**GUIDE_CUSTOMER)
        self.assertRegex(customer.id, UUID_V4)
        for field, value in GUIDE_CUSTOMER.items():
            self.assertEqual(getattr(customer, field), value, field)
        got = self.call("GetCustomer", pb.GetCustomerRequest(id=customer.id)).customer
        self.assertEqual(got, customer)

    def test_same_data_creates_distinct_customers(self):
        first = self.create_customer(**GUIDE_CUSTOMER)
        second = self.create_customer(**GUIDE_CUSTOMER)
        self.assertNotEqual(first.id, second.id)

    def test_list_customers_page_size_5(self):
        created = [self.create_customer(**GUIDE_CUSTOMER).id for _ in range(7)]
        page = self.call("ListCustomers", pb.ListCustomersRequest(page_size=5))
        self.assertEqual(len(page.customers), 5)
        self.assertNotEqual(page.next_page_token, "")
        rest = self.call("ListCustomers", pb.ListCustomersRequest(
            page_size=5, page_token=page.next_page_token))
        self.assertEqual(len(rest.customers), 2)
        self.assertEqual(rest.next_page_token, "")
        self.assertEqual([c.id for c in [*page.customers, *rest.customers]], created)

    def test_customer_flags(self):
        customer_id = self.create_customer(**GUIDE_CUSTOMER).id
        # The guide's flag calls send the header as "Authorization"; the
        # client sends it lowercased like grpcurl does.
        header = [("Authorization", f"Bearer {self.TOKEN}")]

        def flags():
            return list(self.call("ListCustomerFlags", pb.ListCustomerFlagsRequest(
                customer_id=customer_id, page_size=5), metadata=header).flags)

        self.call("AddCustomerFlag", pb.AddCustomerFlagRequest(
            customer_id=customer_id, flag=GUIDE_FLAG), metadata=header)
        self.assertEqual(flags(), [GUIDE_FLAG])
        self.call("RemoveCustomerFlag", pb.RemoveCustomerFlagRequest(
            customer_id=customer_id, flag=GUIDE_FLAG), metadata=header)
        self.assertEqual(flags(), [])

    def test_delete_then_get_is_not_found(self):
        customer_id = self.create_customer(**GUIDE_CUSTOMER).id
        self.assertEqual(self.call("DeleteCustomer", pb.DeleteCustomerRequest(id=customer_id)),
                         pb.DeleteCustomerResponse())
        self.assertRpcError(grpc.StatusCode.NOT_FOUND, "CUSTOMER_NOT_FOUND",
                            "GetCustomer", pb.GetCustomerRequest(id=customer_id))

    def test_invalid_phone_number(self):
        info = self.assertRpcError(
            grpc.StatusCode.INVALID_ARGUMENT, "INVALID_PHONE_NUMBER", "CreateCustomer",
            pb.CreateCustomerRequest(**{**GUIDE_CUSTOMER, "phone_number": "123"}))
        self.assertEqual(info.metadata["field"], "phone_number")
        page = self.call("ListCustomers", pb.ListCustomersRequest())
        self.assertEqual(len(page.customers), 0)


class TokenAuthTest(FakeTestCase):
    SERVE_ARGS = ("--auth", "tokens", "--token", "dev-token-1")
    TOKEN = "dev-token-1"

    def test_listed_token_is_accepted(self):
        self.assertRegex(self.create_customer(**GUIDE_CUSTOMER).id, UUID_V4)

    def test_other_token_is_unauthenticated(self):
        self.assertRpcError(grpc.StatusCode.UNAUTHENTICATED, "UNAUTHENTICATED",
                            "CreateCustomer", pb.CreateCustomerRequest(**GUIDE_CUSTOMER),
                            token="dev-token-2")

    def test_missing_header_is_unauthenticated(self):
        with self.assertRaises(grpc.RpcError) as caught:
            call(self.customers, "ListCustomers", pb.ListCustomersRequest())
        self.assertEqual(caught.exception.code(), grpc.StatusCode.UNAUTHENTICATED)


class SeededIdsTest(FakeTestCase):
    SERVE_ARGS = ("--seed", "42")

    def create_ids(self, stub):
        request = pb.CreateCustomerRequest(**GUIDE_CUSTOMER)
        return [call(stub, "CreateCustomer", request, bearer(self.TOKEN)).customer.id
                for _ in range(5)]

    def test_same_seed_gives_same_id_sequence(self):
        first = self.create_ids(self.customers)
        second_fake = FakeProcess(*self.SERVE_ARGS)
        try:
            with connect(second_fake.address) as channel:
                second = self.create_ids(customer_pb2_grpc.CustomerServiceStub(channel))
        finally:
            self.assertEqual(second_fake.stop(), 0, second_fake.stderr())
        self.assertEqual(first, second)
        self.assertEqual(len(set(first)), 5)
        for customer_id in first:
            self.assertRegex(customer_id, UUID_V4)
