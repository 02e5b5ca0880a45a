"""The fake serving an integrator's official protos (serve --protos DIR).

tests/official_protos holds an official-like set: the bundled files' names
with other field numbers and another field order, an import of a well-known
type, and fields and a method the fake does not know; its v1beta1 file is the
bundled one renumbered. run_tests.py generates this process's API modules
from it (--api-protos), so every call here speaks that wire format.
"""

import os
import shutil
import subprocess
import tempfile
import unittest

import grpc
from google.protobuf import descriptor_pb2

from fake_process import (CALL_TIMEOUT, FakeProcess, FakeTestCase, api_protos_dir, bearer,
                          call, control_pb2, control_pb2_grpc, customer_pb2, error_info,
                          reflection_pb2, reflection_pb2_grpc, scenarios_dir)
from moia.ridepooling.customer.v1beta1 import customer_pb2 as beta_pb2
from moia.ridepooling.customer.v1beta1 import customer_pb2_grpc as beta_pb2_grpc

pb = customer_pb2
V1_FILE = "moia/trip/customer/v1/customer.proto"
V1BETA1_FILE = "moia/ridepooling/customer/v1beta1/customer.proto"
GUIDE_CUSTOMER = dict(email_address="test-customer@moia.io", family_name="Customer",
                      given_name="Test", language_code="en", phone_number="+4997259173740")
UNKNOWN_LINE = (
    "the protos declare what the fake does not know (ignored in requests, left unset in "
    "answers): moia.trip.customer.v1.CustomerService.SearchCustomers, "
    "moia.trip.customer.v1.CreateCustomerRequest.middle_name, "
    "moia.trip.customer.v1.Customer.create_time, moia.trip.customer.v1.Customer.middle_name")


class OfficialProtosTest(FakeTestCase):
    SERVE_ARGS = ("--protos", api_protos_dir(),
                  "--scenario", os.path.join(scenarios_dir(), "default.yaml"))

    def test_the_official_numbers_are_not_the_bundled_ones(self):
        # Otherwise this suite would prove nothing.
        fields = pb.Customer.DESCRIPTOR.fields_by_name
        self.assertEqual(fields["email_address"].number, 11)
        self.assertEqual(pb.GetCustomerRequest.DESCRIPTOR.fields_by_name["id"].number, 4)

    def test_all_eight_rpcs(self):
        created = self.call("CreateCustomer", pb.CreateCustomerRequest(
            middle_name="ignored", **GUIDE_CUSTOMER)).customer
        for field, value in GUIDE_CUSTOMER.items():
            self.assertEqual(getattr(created, field), value, field)
        # Unknown to the fake: not stored, left unset.
        self.assertEqual(created.middle_name, "")
        self.assertFalse(created.HasField("create_time"))

        got = self.call("GetCustomer", pb.GetCustomerRequest(id=created.id)).customer
        self.assertEqual(got, created)

        changed = pb.Customer(id=created.id, **dict(GUIDE_CUSTOMER, given_name="Tess",
                                                    phone_number="+4915100000001"))
        updated = self.call("UpdateCustomer", pb.UpdateCustomerRequest(customer=changed)).customer
        self.assertEqual(updated, changed)

        listed = self.call("ListCustomers", pb.ListCustomersRequest(page_size=1000)).customers
        self.assertEqual(len(listed), 13)  # default.yaml's twelve and this one
        self.assertEqual(listed[-1], changed)

        flag = "WHEELCHAIR_ACCESS_NEEDED"
        self.call("AddCustomerFlag", pb.AddCustomerFlagRequest(customer_id=created.id, flag=flag))
        flags = self.call("ListCustomerFlags", pb.ListCustomerFlagsRequest(customer_id=created.id))
        self.assertEqual(list(flags.flags), [flag])
        self.assertEqual(flags.next_page_token, "")
        self.call("RemoveCustomerFlag",
                  pb.RemoveCustomerFlagRequest(customer_id=created.id, flag=flag))
        flags = self.call("ListCustomerFlags", pb.ListCustomerFlagsRequest(customer_id=created.id))
        self.assertEqual(list(flags.flags), [])

        self.call("DeleteCustomer", pb.DeleteCustomerRequest(id=created.id))
        info = self.assertRpcError(grpc.StatusCode.NOT_FOUND, "CUSTOMER_NOT_FOUND",
                                   "GetCustomer", pb.GetCustomerRequest(id=created.id))
        self.assertEqual(dict(info.metadata), {"customer_id": created.id})

    def test_an_error_carries_its_error_info(self):
        info = self.assertRpcError(
            grpc.StatusCode.INVALID_ARGUMENT, "INVALID_PHONE_NUMBER", "CreateCustomer",
            pb.CreateCustomerRequest(**dict(GUIDE_CUSTOMER, phone_number="0172 123")))
        self.assertEqual(dict(info.metadata), {"field": "phone_number"})

    def test_pagination_visits_every_customer_once(self):
        everyone = self.call("ListCustomers", pb.ListCustomersRequest(page_size=1000)).customers
        self.assertEqual(len(everyone), 12)
        seen, token, sizes = [], "", []
        while True:
            page = self.call("ListCustomers", pb.ListCustomersRequest(page_size=5,
                                                                      page_token=token))
            sizes.append(len(page.customers))
            seen.extend(page.customers)
            token = page.next_page_token
            if not token:
                break
        self.assertEqual(sizes, [5, 5, 2])
        self.assertEqual(seen, list(everyone))

    def test_an_unset_page_size_is_the_default_and_zero_too(self):
        for request in (pb.ListCustomersRequest(), pb.ListCustomersRequest(page_size=0)):
            page = self.call("ListCustomers", request)
            self.assertEqual(len(page.customers), 12, request)  # default 50 covers all

    def test_the_journal_names_the_fields(self):
        self.create_customer(**GUIDE_CUSTOMER)
        calls = control_pb2_grpc.ControlServiceStub(self.channel).ListCalls(
            control_pb2.ListCallsRequest(method="CreateCustomer"), timeout=CALL_TIMEOUT).calls
        self.assertEqual(len(calls), 1)
        self.assertIn('"phone_number":"+4997259173740"', calls[0].request_json)

    def test_reflection_serves_the_official_file(self):
        stub = reflection_pb2_grpc.ServerReflectionStub(self.channel)
        responses = list(stub.ServerReflectionInfo(iter([reflection_pb2.ServerReflectionRequest(
            file_containing_symbol="moia.trip.customer.v1.CustomerService")]),
            timeout=CALL_TIMEOUT))
        files = {f.name: f for f in (
            descriptor_pb2.FileDescriptorProto.FromString(raw)
            for raw in responses[0].file_descriptor_response.file_descriptor_proto)}
        self.assertEqual(set(files), {V1_FILE, "google/protobuf/timestamp.proto"})
        customer = next(m for m in files[V1_FILE].message_type if m.name == "Customer")
        self.assertEqual({f.name: f.number for f in customer.field}, {
            "phone_number": 3, "given_name": 5, "family_name": 6, "id": 10,
            "email_address": 11, "language_code": 12, "create_time": 20, "middle_name": 21})

    def test_the_start_lists_what_the_fake_does_not_know(self):
        self.assertIn(UNKNOWN_LINE, self.fake.stderr())

    def test_an_unknown_method_is_unimplemented(self):
        with self.assertRaises(grpc.RpcError) as caught:
            call(self.customers, "SearchCustomers", pb.SearchCustomersRequest(query="x"),
                 bearer(self.TOKEN))
        self.assertEqual(caught.exception.code(), grpc.StatusCode.UNIMPLEMENTED)

    def test_v1beta1_renumbered_round_trips_every_field(self):
        beta = beta_pb2_grpc.CustomerServiceStub(self.channel)
        fields = beta_pb2.Customer.DESCRIPTOR.fields_by_name
        self.assertEqual(fields["email_address"].number, 16)  # 3n + 10
        auth = bearer(self.TOKEN)
        created = call(beta, "CreateCustomer", beta_pb2.CreateCustomerRequest(**GUIDE_CUSTOMER),
                       auth).customer
        self.assertEqual(created, beta_pb2.Customer(id=created.id, **GUIDE_CUSTOMER))
        # The same customer through v1, over the same state.
        self.assertEqual(
            self.call("GetCustomer", pb.GetCustomerRequest(id=created.id)).customer,
            pb.Customer(id=created.id, **GUIDE_CUSTOMER))
        changed = beta_pb2.Customer(id=created.id, email_address="b@example.com",
                                    family_name="Beta", given_name="Bea", language_code="de",
                                    phone_number="+4915100000002")
        self.assertEqual(call(beta, "UpdateCustomer",
                              beta_pb2.UpdateCustomerRequest(customer=changed), auth).customer,
                         changed)
        self.assertEqual(call(beta, "GetCustomer", beta_pb2.GetCustomerRequest(id=created.id),
                              auth).customer, changed)
        page = call(beta, "ListCustomers", beta_pb2.ListCustomersRequest(page_size=5), auth)
        self.assertEqual(len(page.customers), 5)
        self.assertNotEqual(page.next_page_token, "")
        call(beta, "AddCustomerFlag", beta_pb2.AddCustomerFlagRequest(
            customer_id=created.id, flag="WHEELCHAIR_ACCESS_NEEDED"), auth)
        flags = call(beta, "ListCustomerFlags",
                     beta_pb2.ListCustomerFlagsRequest(customer_id=created.id, page_size=1), auth)
        self.assertEqual(list(flags.flags), ["WHEELCHAIR_ACCESS_NEEDED"])
        call(beta, "RemoveCustomerFlag", beta_pb2.RemoveCustomerFlagRequest(
            customer_id=created.id, flag="WHEELCHAIR_ACCESS_NEEDED"), auth)
        call(beta, "DeleteCustomer", beta_pb2.DeleteCustomerRequest(id=created.id), auth)
        with self.assertRaises(grpc.RpcError) as caught:
            call(beta, "GetCustomer", beta_pb2.GetCustomerRequest(id=created.id), auth)
        self.assertEqual(caught.exception.code(), grpc.StatusCode.NOT_FOUND)


def _line_and_column(text, needle):
    """1-based line and column of the first non-blank of the line holding needle."""
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number, len(line) - len(line.lstrip()) + 1
    raise AssertionError(f"{needle!r} not in the file")


class BrokenProtosTest(unittest.TestCase):
    """Each broken set stops the start with exit 2 and names every problem."""

    def start(self, folder):
        result = subprocess.run([FakeProcess.binary(), "serve", "--listen", "127.0.0.1:0",
                                 "--protos", folder], capture_output=True, text=True,
                                timeout=CALL_TIMEOUT)
        return result.returncode, result.stdout, result.stderr

    def broken(self, edits, v1beta1_edits=None):
        """A copy of the official-like set with (old, new) text replacements; returns
        the folder and the edited texts."""
        folder = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, folder)
        texts = {}
        for name, changes in ((V1_FILE, edits), (V1BETA1_FILE, v1beta1_edits or [])):
            with open(os.path.join(api_protos_dir(), name)) as source:
                text = source.read()
            for old, new in changes:
                self.assertIn(old, text)
                text = text.replace(old, new, 1)
            os.makedirs(os.path.dirname(os.path.join(folder, name)), exist_ok=True)
            with open(os.path.join(folder, name), "w") as out:
                out.write(text)
            texts[name] = text
        return folder, texts

    def assertRefused(self, folder, lines):
        code, stdout, stderr = self.start(folder)
        self.assertEqual(code, 2, stderr)
        self.assertEqual(stdout, "")
        self.assertEqual(stderr, f"customer-fake: the protos in {folder} do not fit the fake:\n"
                         + "".join(line + "\n" for line in lines))

    def at(self, folder, texts, name, needle):
        line, column = _line_and_column(texts[name], needle)
        return f"{folder}/{name}:{line}:{column}"

    def test_wrong_type(self):
        folder, texts = self.broken([("string phone_number = 3;", "int64 phone_number = 3;")])
        self.assertRefused(folder, [
            f"{self.at(folder, texts, V1_FILE, 'int64 phone_number')}: "
            "moia.trip.customer.v1.Customer.phone_number: the fake needs string, "
            "the file declares int64"])

    def test_repeated_where_the_fake_needs_one(self):
        folder, texts = self.broken([("repeated string flags = 4;", "string flags = 4;")])
        self.assertRefused(folder, [
            f"{self.at(folder, texts, V1_FILE, 'string flags = 4')}: "
            "moia.trip.customer.v1.ListCustomerFlagsResponse.flags: the fake needs repeated "
            "string, the file declares string"])

    def test_page_size_without_presence(self):
        folder, texts = self.broken([("optional int32 page_size = 3;", "int32 page_size = 3;")])
        self.assertRefused(folder, [
            f"{self.at(folder, texts, V1_FILE, 'int32 page_size = 3')}: "
            "moia.trip.customer.v1.ListCustomersRequest.page_size: the fake needs optional "
            "int32, the file declares int32"])

    def test_missing_method_and_field(self):
        folder, texts = self.broken([
            ("  rpc DeleteCustomer(DeleteCustomerRequest) returns (DeleteCustomerResponse);\n",
             ""),
            ("  string language_code = 12;\n", "")])
        self.assertRefused(folder, [
            f"{self.at(folder, texts, V1_FILE, 'service CustomerService')}: "
            "moia.trip.customer.v1.CustomerService.DeleteCustomer: the fake needs a unary "
            "method DeleteCustomer, the file declares none",
            f"{self.at(folder, texts, V1_FILE, 'message Customer {')}: "
            "moia.trip.customer.v1.Customer.language_code: the fake needs a field "
            "language_code (string), the file declares none"])

    def test_missing_file(self):
        folder = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, folder)
        self.assertRefused(folder, [f"{folder}/{V1_FILE}: File not found."])

    def test_unresolved_import(self):
        folder, texts = self.broken([('import "google/protobuf/timestamp.proto";',
                                      'import "moia/types/v1/time.proto";')])
        line, _ = _line_and_column(texts[V1_FILE], "moia/types/v1/time.proto")
        type_line, _ = _line_and_column(texts[V1_FILE], "google.protobuf.Timestamp")
        self.assertRefused(folder, [
            f"{folder}/moia/types/v1/time.proto: File not found.",
            f"{folder}/{V1_FILE}:{line}:1: Import \"moia/types/v1/time.proto\" was not "
            "found or had errors.",
            f"{folder}/{V1_FILE}:{type_line}:3: \"google.protobuf.Timestamp\" is not defined."])

    def test_syntax_error(self):
        folder, texts = self.broken([("  string id = 4;\n", "  string id = 4\n")])
        line, _ = _line_and_column(texts[V1_FILE], "string id = 4")
        self.assertRefused(folder, [f"{folder}/{V1_FILE}:{line + 1}:1: Expected \";\"."])

    def test_v1beta1_that_does_not_fit(self):
        folder, texts = self.broken([], [("string email_address = 16;",
                                          "int32 email_address = 16;")])
        self.assertRefused(folder, [
            f"{self.at(folder, texts, V1BETA1_FILE, 'int32 email_address')}: "
            "moia.ridepooling.customer.v1beta1.Customer.email_address: the fake needs "
            "string, the file declares int32"])

    def test_nothing_is_written_when_refused(self):
        folder, _ = self.broken([("string phone_number = 3;", "int64 phone_number = 3;")])
        state = os.path.join(tempfile.mkdtemp(), "state.yaml")
        self.addCleanup(shutil.rmtree, os.path.dirname(state))
        result = subprocess.run([FakeProcess.binary(), "serve", "--listen", "127.0.0.1:0",
                                 "--protos", folder, "--state-file", state],
                                capture_output=True, text=True, timeout=CALL_TIMEOUT)
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertFalse(os.path.exists(state))
