#!/usr/bin/python3
"""The customer-fake container seen from outside, by an independent client.

  e2e.py --addr HOST:PORT --gen-dir DIR baked SCENARIOS_DIR
  e2e.py --addr HOST:PORT --gen-dir DIR mounted
  e2e.py --addr HOST:PORT --gen-dir DIR --tls-ca CA_FILE tls

Debian's python3-grpcio against the container's published port, with modules
that tests/python/protogen.py generates from the project's protos.

`baked`: the image's own settings (default.yaml, any bearer token): MOIA's
customer-management guide flow by flow, then a scenario from SCENARIOS_DIR
loaded through the control service, then a reset.
`mounted`: the container that scripts/container-check starts with a folder
mounted on /scenarios and CUSTOMER_FAKE_* variables (MOUNTED_* below).
`tls`: the container started with CUSTOMER_FAKE_TLS_SELF_SIGNED, reached over
TLS trusting CA_FILE (its ca.pem, copied out): the guide's calls, and a
plaintext client refused.

Prints each step; the first failed check ends the run with exit 1.
"""

import argparse
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
PYTHON_TESTS = os.path.join(os.path.dirname(HERE), "python")
PROTOS = os.path.join(os.path.dirname(os.path.dirname(HERE)), "protos")

GUIDE_CUSTOMER = dict(
    email_address="test-customer@moia.io",
    family_name="Customer",
    given_name="Test",
    language_code="en",
    phone_number="+4997259173740",
)
GUIDE_FLAG = "WHEELCHAIR_ACCESS_NEEDED"  # a known flag of default.yaml
DEFAULT_CUSTOMERS = 12  # in scenarios/default.yaml
TEST_CUSTOMER_ID = "6513270e-269e-4d37-b2a7-4de452e6b438"  # "Test Customer" there
UUID_V4 = re.compile(
    r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")

# What scripts/container-check gives the `mounted` container.
MOUNTED_TOKEN = "container-token"
MOUNTED_CUSTOMER_ID = "0c6b3a8e-5a57-4e0f-9f7e-3f2c1d0b9a11"
MOUNTED_SCENARIO = f"""\
version: 1
customers:
  - id: {MOUNTED_CUSTOMER_ID}
    given_name: Mounted
    family_name: Folder
    email_address: mounted@example.com
    language_code: de
    phone_number: "+4915100000042"
"""


class CheckFailed(Exception):
    pass


def step(text):
    print(f"  - {text}", flush=True)


def check(condition, message):
    if not condition:
        raise CheckFailed(message)


def check_equal(got, want, what):
    check(got == want, f"{what}: got {got!r}, want {want!r}")


class Client:
    def __init__(self, addr, ca=None):
        """Plaintext, or TLS trusting the CA certificate `ca` (PEM bytes)."""
        import fake_process as fp  # needs the generated modules on sys.path
        self.fp = fp
        self.pb = fp.customer_pb2
        self.ctl_pb = fp.control_pb2
        self.addr = addr
        if ca is None:
            self.channel = fp.connect(addr)
        else:
            import grpc
            self.channel = grpc.secure_channel(
                addr, grpc.ssl_channel_credentials(root_certificates=ca))
            grpc.channel_ready_future(self.channel).result(timeout=fp.CALL_TIMEOUT)
        self.customers = fp.customer_pb2_grpc.CustomerServiceStub(self.channel)
        self.control = fp.control_pb2_grpc.ControlServiceStub(self.channel)
        self.health = fp.health_pb2_grpc.HealthStub(self.channel)

    def api(self, method, request, token="guide-access-token", header="authorization"):
        metadata = [(header, f"Bearer {token}")] if token else []
        return self.fp.call(self.customers, method, request, metadata)

    def ctl(self, method, request):
        return self.fp.call(self.control, method, request)

    def api_error(self, method, request, **kwargs):
        """The grpc.RpcError a call ends with (a CheckFailed when it succeeds)."""
        import grpc
        try:
            self.api(method, request, **kwargs)
        except grpc.RpcError as error:
            return error
        raise CheckFailed(f"{method} succeeded, an error was expected")

    def all_customer_ids(self, token="guide-access-token", page_size=5):
        """Every page of ListCustomers, following next_page_token."""
        ids, token_value, pages = [], "", 0
        while True:
            page = self.api("ListCustomers", self.pb.ListCustomersRequest(
                page_size=page_size, page_token=token_value), token=token)
            check(len(page.customers) <= page_size,
                  f"page of {len(page.customers)} > page_size {page_size}")
            ids += [c.id for c in page.customers]
            pages += 1
            check(pages < 100, "ListCustomers does not end")
            if not page.next_page_token:
                return ids
            token_value = page.next_page_token


def check_health(client):
    step("grpc.health.v1 Check: SERVING")
    response = client.health.Check(client.fp.health_pb2.HealthCheckRequest(),
                                   timeout=client.fp.CALL_TIMEOUT)
    check_equal(response.status, client.fp.health_pb2.HealthCheckResponse.SERVING,
                "health status")


def baked(client, scenarios_dir):
    import grpc
    pb, ctl_pb = client.pb, client.ctl_pb
    check_health(client)

    step(f"baked scenario: default.yaml's {DEFAULT_CUSTOMERS} customers")
    baseline = client.all_customer_ids()
    check_equal(len(baseline), DEFAULT_CUSTOMERS, "customers at start")
    check(TEST_CUSTOMER_ID in baseline, f"{TEST_CUSTOMER_ID} missing")

    step("guide: CreateCustomer returns the fields and a UUID id; GetCustomer agrees")
    created = client.api("CreateCustomer", pb.CreateCustomerRequest(**GUIDE_CUSTOMER)).customer
    check(UUID_V4.match(created.id), f"id {created.id!r} is no UUID v4")
    for field, value in GUIDE_CUSTOMER.items():
        check_equal(getattr(created, field), value, field)
    got = client.api("GetCustomer", pb.GetCustomerRequest(id=created.id)).customer
    check_equal(got, created, "GetCustomer")

    step("guide: the same data again is another customer")
    second = client.api("CreateCustomer", pb.CreateCustomerRequest(**GUIDE_CUSTOMER)).customer
    check(second.id != created.id, "same id for two customers")

    step("guide: ListCustomers page_size 5, following next_page_token to the end")
    ids = client.all_customer_ids(page_size=5)
    check_equal(ids, baseline + [created.id, second.id], "listed ids")
    first_page = client.api("ListCustomers", pb.ListCustomersRequest(page_size=5))
    check_equal(len(first_page.customers), 5, "first page size")
    check(first_page.next_page_token != "", "no next_page_token on a full page")

    step(f"guide: AddCustomerFlag {GUIDE_FLAG}, ListCustomerFlags, RemoveCustomerFlag")
    # The guide's flag calls spell the header "Authorization".
    def flags():
        return list(client.api("ListCustomerFlags", pb.ListCustomerFlagsRequest(
            customer_id=created.id, page_size=5), header="Authorization").flags)
    client.api("AddCustomerFlag", pb.AddCustomerFlagRequest(
        customer_id=created.id, flag=GUIDE_FLAG), header="Authorization")
    check_equal(flags(), [GUIDE_FLAG], "flags after AddCustomerFlag")
    client.api("RemoveCustomerFlag", pb.RemoveCustomerFlagRequest(
        customer_id=created.id, flag=GUIDE_FLAG), header="Authorization")
    check_equal(flags(), [], "flags after RemoveCustomerFlag")

    step("guide: DeleteCustomer, then GetCustomer is NOT_FOUND / CUSTOMER_NOT_FOUND")
    check_equal(client.api("DeleteCustomer", pb.DeleteCustomerRequest(id=created.id)),
                pb.DeleteCustomerResponse(), "DeleteCustomer response")
    error = client.api_error("GetCustomer", pb.GetCustomerRequest(id=created.id))
    check_equal(error.code(), grpc.StatusCode.NOT_FOUND, "code")
    check_equal(client.fp.error_info(error).reason, "CUSTOMER_NOT_FOUND", "reason")

    step("a phone number that is not E.164: INVALID_ARGUMENT / INVALID_PHONE_NUMBER")
    error = client.api_error("CreateCustomer", pb.CreateCustomerRequest(
        **{**GUIDE_CUSTOMER, "phone_number": "123"}))
    check_equal(error.code(), grpc.StatusCode.INVALID_ARGUMENT, "code")
    info = client.fp.error_info(error)
    check_equal((info.reason, info.metadata["field"]),
                ("INVALID_PHONE_NUMBER", "phone_number"), "reason and field")
    check_equal(client.all_customer_ids(), baseline + [second.id],
                "customers after the refused create")

    step("control: the journal holds the guide's calls")
    calls = client.ctl("ListCalls", ctl_pb.ListCallsRequest(method="CreateCustomer")).calls
    check_equal([c.code for c in calls], ["OK", "OK", "INVALID_ARGUMENT"],
                "CreateCustomer codes in the journal")

    step("control: LoadScenario ci-tokens.yaml from this machine")
    path = os.path.join(scenarios_dir, "ci-tokens.yaml")
    with open(path, encoding="utf-8") as f:
        loaded = client.ctl("LoadScenario", ctl_pb.LoadScenarioRequest(
            yaml=f.read(), source_name="ci-tokens.yaml"))
    check_equal((loaded.customers, loaded.fault_rules), (2, 0), "loaded counts")
    page = client.api("ListCustomers", pb.ListCustomersRequest(), token="ci-token-1")
    check_equal(sorted(c.email_address for c in page.customers),
                ["erika.mustermann@example.de", "john.doe@example.com"],
                "customers after LoadScenario")
    error = client.api_error("ListCustomers", pb.ListCustomersRequest())
    check_equal(error.code(), grpc.StatusCode.UNAUTHENTICATED,
                "a token ci-tokens.yaml does not list")

    step("control: a bad scenario is refused and changes nothing")
    try:
        client.ctl("LoadScenario", ctl_pb.LoadScenarioRequest(
            yaml="customers:\n  - given_name: X\n    colour: red\n", source_name="bad.yaml"))
        raise CheckFailed("a scenario with an unknown key was loaded")
    except grpc.RpcError as refused:
        check_equal(refused.code(), grpc.StatusCode.INVALID_ARGUMENT, "code")
        check("bad.yaml:3:5: customers[0].colour" in refused.details(), refused.details())
    check_equal(len(client.all_customer_ids(token="ci-token-1")), 2,
                "customers after the refused load")

    step("control: DeleteNamespace brings back the baked baseline")
    client.ctl("DeleteNamespace", ctl_pb.DeleteNamespaceRequest())
    check_equal(client.all_customer_ids(), baseline, "customers after DeleteNamespace")


def mounted(client):
    import grpc
    pb, ctl_pb = client.pb, client.ctl_pb
    check_health(client)

    step("the mounted folder's scenario is the baseline")
    ids = client.all_customer_ids(token=MOUNTED_TOKEN)
    check_equal(ids, [MOUNTED_CUSTOMER_ID], "customers at start")

    step("CUSTOMER_FAKE_AUTH=tokens: only CUSTOMER_FAKE_TOKEN's token is accepted")
    error = client.api_error("ListCustomers", pb.ListCustomersRequest(),
                             token="guide-access-token")
    check_equal(error.code(), grpc.StatusCode.UNAUTHENTICATED, "another token")
    error = client.api_error("ListCustomers", pb.ListCustomersRequest(), token=None)
    check_equal(error.code(), grpc.StatusCode.UNAUTHENTICATED, "no token")

    step("CUSTOMER_FAKE_SEED: the same id after every reset")
    def create():
        return client.api("CreateCustomer", pb.CreateCustomerRequest(**GUIDE_CUSTOMER),
                          token=MOUNTED_TOKEN).customer.id
    first = create()
    check(UUID_V4.match(first), f"id {first!r} is no UUID v4")
    client.ctl("Reset", ctl_pb.ResetRequest())
    check_equal(client.all_customer_ids(token=MOUNTED_TOKEN), [MOUNTED_CUSTOMER_ID],
                "customers after Reset")
    check_equal(create(), first, "id after Reset")


def tls(client):
    import grpc
    pb = client.pb
    check_health(client)

    step("over TLS: the baked scenario's customers, the guide's create, get and flag")
    check_equal(len(client.all_customer_ids()), DEFAULT_CUSTOMERS, "customers at start")
    created = client.api("CreateCustomer", pb.CreateCustomerRequest(**GUIDE_CUSTOMER)).customer
    check(UUID_V4.match(created.id), f"id {created.id!r} is no UUID v4")
    got = client.api("GetCustomer", pb.GetCustomerRequest(id=created.id)).customer
    check_equal(got, created, "GetCustomer")
    client.api("AddCustomerFlag", pb.AddCustomerFlagRequest(
        customer_id=created.id, flag=GUIDE_FLAG))
    flags = client.api("ListCustomerFlags", pb.ListCustomerFlagsRequest(
        customer_id=created.id)).flags
    check_equal(list(flags), [GUIDE_FLAG], "flags after AddCustomerFlag")

    step("over TLS: the control service shares the port")
    calls = client.ctl("ListCalls", client.ctl_pb.ListCallsRequest(method="CreateCustomer")).calls
    check_equal([c.code for c in calls], ["OK"], "CreateCustomer codes in the journal")

    step("a plaintext client gets UNAVAILABLE")
    plaintext = grpc.insecure_channel(client.addr)
    try:
        client.fp.call(client.fp.customer_pb2_grpc.CustomerServiceStub(plaintext),
                       "ListCustomers", pb.ListCustomersRequest(),
                       [("authorization", "Bearer guide-access-token")])
        raise CheckFailed("a plaintext call succeeded against the TLS port")
    except grpc.RpcError as refused:
        check_equal(refused.code(), grpc.StatusCode.UNAVAILABLE, "plaintext call")
    finally:
        plaintext.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--addr", required=True)
    parser.add_argument("--gen-dir", required=True)
    parser.add_argument("--tls-ca", help="tls: the CA certificate to trust")
    parser.add_argument("check", choices=["baked", "mounted", "tls"])
    parser.add_argument("scenarios", nargs="?")
    args = parser.parse_args()
    if args.check == "baked" and not args.scenarios:
        parser.error("baked needs SCENARIOS_DIR")
    if (args.check == "tls") != bool(args.tls_ca):
        parser.error("--tls-ca goes with tls, and tls needs it")

    sys.path.insert(0, PYTHON_TESTS)
    import protogen
    if not os.path.isdir(os.path.join(args.gen_dir, "moia")):
        protogen.generate(PROTOS, args.gen_dir)
    sys.path.insert(0, os.path.abspath(args.gen_dir))

    ca = None
    if args.tls_ca:
        with open(args.tls_ca, "rb") as f:
            ca = f.read()
    client = Client(args.addr, ca)
    try:
        if args.check == "baked":
            baked(client, args.scenarios)
        elif args.check == "tls":
            tls(client)
        else:
            mounted(client)
    except CheckFailed as failure:
        print(f"e2e {args.check}: FAILED: {failure}", file=sys.stderr)
        return 1
    finally:
        client.channel.close()
    print(f"e2e {args.check}: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
