#!/usr/bin/env python3
"""Writes the seed corpora under fuzz/corpus/ (run from anywhere; idempotent).

- scenario/: the repo's scenarios and every `# scenario` example of the docs.
- fault_rule/: every `# fault rule` example of the docs, the rules of the
  repo's scenarios written as one rule each, and a few rules as serialized
  customerfake.control.v1.FaultRule messages (protoc --encode), the form
  ControlService.AddFaultRule receives.
- page_token/: PageToken payloads (protoc --encode) of the three lists. The
  real tokens beside them (real-*.token: next_page_token of ListCustomers,
  ListCustomerFlags and ListCalls from `customer-fake serve --scenario
  scenarios/default.yaml`) are kept as they are; their payloads are added.
- request_match/: inputs in the layout request_match_fuzzer.cc reads with
  FuzzedDataProvider: the docs' match_request examples against requests that
  match them and requests that do not.

Files found by fuzzing (crash reproducers, regression inputs) live beside
these and are left alone.
"""

import base64
import pathlib
import re
import subprocess

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fuzz" / "corpus"
PROTOS = ROOT / "protos"
FENCE = re.compile(r"^```yaml\n(# (scenario|fault rule)\n.*?)^```", re.M | re.S)


def write(target, name, data):
    folder = CORPUS / target
    folder.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    (folder / name).write_bytes(data)


def encode(message_type, text):
    """`text` (protobuf text format) serialized as `message_type`."""
    proto = {
        "customerfake.control.v1": "customerfake/control/v1/control.proto",
        "customerfake.internal": "customerfake/internal/page_token.proto",
        "moia.trip.customer.v1": "moia/trip/customer/v1/customer.proto",
        "moia.ridepooling.customer.v1beta1":
            "moia/ridepooling/customer/v1beta1/customer.proto",
    }[message_type.rsplit(".", 1)[0]]
    return subprocess.run(
        ["protoc", f"-I{PROTOS}", "-I/usr/include", f"--encode={message_type}", proto],
        input=text.encode(), capture_output=True, check=True).stdout


def docs_examples(kind):
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for i, match in enumerate(m for m in FENCE.finditer(path.read_text())
                                  if m.group(2) == kind):
            yield f"{path.stem}-{i + 1}", match.group(1)


def scenario_seeds():
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        write("scenario", path.name, path.read_bytes())
    for name, text in docs_examples("scenario"):
        write("scenario", f"docs-{name}.yaml", text)


def fault_rule_seeds():
    for name, text in docs_examples("fault rule"):
        write("fault_rule", f"docs-{name}.yaml", text)
    # Each `faults:` entry of the repo's scenarios, dedented.
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        text = path.read_text()
        if "\nfaults:\n" not in text:
            continue
        entries = re.split(r"^  - ", text.split("\nfaults:\n", 1)[1], flags=re.M)
        for i, entry in enumerate(e for e in entries if e.strip()):
            body = "\n".join(line[4:] if line.startswith("    ") else line
                             for line in entry.splitlines())
            write("fault_rule", f"{path.stem}-{i + 1}.yaml", body + "\n")
    rules = {
        "unavailable-twice": 'method: "CreateCustomer" times: 2 '
                             'action { code: "UNAVAILABLE" retry_delay: "0.2s" }',
        "sequence": 'method: "CreateCustomer" sequence { code: "UNAVAILABLE" '
                    'message: "try again" } sequence { code: "UNAVAILABLE" } '
                    'sequence { code: "OK" }',
        "match-request": 'method: "UpdateCustomer" match_request { key: '
                         '"customer.email_address" value: "slow@example.com" } '
                         'action { delay: "2s" }',
        "match-metadata-hang": 'id: "hang" method: "ListCustomers" match_metadata '
                               '{ key: "x-test-case" value: "timeouts" } '
                               'action { hang: true }',
        "canned-response": 'method: "ListCustomerFlags" action { code: "OK" '
                           'response { fields { key: "flags" value { list_value '
                           '{ values { string_value: "AUTONOMOUS_TRIPS_ALLOWED" } } } } } }',
        "probability": 'method: "*" skip: 1 probability: 0.25 action { code: '
                       '"RESOURCE_EXHAUSTED" reason: "QUOTA" error_metadata '
                       '{ key: "limit" value: "10" } }',
    }
    for name, text in rules.items():
        write("fault_rule", f"proto-{name}.bin",
              encode("customerfake.control.v1.FaultRule", text))


def page_token_seeds():
    tokens = {
        "customers": 'list: "customers" namespace_name: "default" generation: 1 '
                     'after_key: 2',
        "customers-namespace": 'list: "customers" namespace_name: "team-a/test-42" '
                               'generation: 7 after_key: 100',
        "flags": 'list: "flags" namespace_name: "default" customer_id: '
                 '"7ba438cc-4724-4be1-8c59-f82558f4fde8" generation: 1 '
                 'after_flag: "AUTONOMOUS_TRIPS_ALLOWED"',
        "calls": 'list: "calls" namespace_name: "default" generation: 3 '
                 'after_key: 18446744073709551615',
    }
    for name, text in tokens.items():
        write("page_token", f"payload-{name}.bin",
              encode("customerfake.internal.PageToken", text))
    # The payloads of the real tokens: base64 without the 8 checksum bytes.
    for path in sorted((CORPUS / "page_token").glob("real-*.token")):
        text = path.read_text().strip()
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        write("page_token", f"payload-{path.stem}.bin", raw[:-8])


class Input:
    """Bytes in FuzzedDataProvider's layout: strings and the remaining bytes
    from the front, integers and booleans from the back."""

    def __init__(self):
        self.front = bytearray()
        self.back = bytearray()  # in the order they are consumed

    def byte(self, value):
        self.back.append(value)
        return self

    def string(self, text):
        # A backslash is doubled; a backslash and another byte end a string.
        self.front += text.encode().replace(b"\\", b"\\\\") + b"\\ "
        return self

    def rest(self, data):
        self.front += data
        return bytes(self.front) + bytes(reversed(self.back))


V1 = ["GetCustomer", "ListCustomers", "CreateCustomer", "UpdateCustomer",
      "DeleteCustomer", "ListCustomerFlags", "AddCustomerFlag", "RemoveCustomerFlag"]
SHORT, FULL, ANY = 1, 2, 0


def request_match_input(method, form, entries, header, request_type, request_text,
                        v1beta1=False):
    """`entries`: (path, value) where value None means the request's own."""
    data = Input()
    data.byte(V1.index(method) + (8 if v1beta1 else 0)).byte(form).byte(len(entries))
    for path, value in entries:
        data.byte(0).string(path)  # any text as the path
        if value is None:
            data.byte(1)
        else:
            data.byte(0).string(value)
    if header:
        name, value, sent = header
        data.byte(1).string(name).string(value)
        if sent == value:
            data.byte(1)
        else:
            data.byte(0).string(sent)
    else:
        data.byte(0)
    data.byte(1)  # the call is the method's full name
    package = ("moia.ridepooling.customer.v1beta1" if v1beta1
               else "moia.trip.customer.v1")
    return data.rest(encode(f"{package}.{request_type}", request_text))


def request_match_seeds():
    uuid = "7ba438cc-4724-4be1-8c59-f82558f4fde8"
    seeds = {
        "update-email-matches": request_match_input(
            "UpdateCustomer", SHORT, [("customer.email_address", "slow@example.com")],
            None, "UpdateCustomerRequest",
            'customer { id: "%s" email_address: "slow@example.com" }' % uuid),
        "update-email-differs": request_match_input(
            "UpdateCustomer", SHORT, [("customer.email_address", "slow@example.com")],
            None, "UpdateCustomerRequest",
            'customer { id: "%s" email_address: "fast@example.com" }' % uuid),
        "page-size-number": request_match_input(
            "ListCustomers", FULL, [("page_size", "5")], None,
            "ListCustomersRequest", "page_size: 5"),
        "page-size-own-value": request_match_input(
            "ListCustomers", ANY, [("page_size", None), ("page_token", None)], None,
            "ListCustomersRequest", 'page_size: 0 page_token: "abc"'),
        "flags-header": request_match_input(
            "ListCustomerFlags", FULL, [("customer_id", uuid)],
            ("x-test-case", "timeouts", "timeouts"), "ListCustomerFlagsRequest",
            'customer_id: "%s" page_size: 2' % uuid),
        "flags-wrong-header": request_match_input(
            "ListCustomerFlags", SHORT, [], ("x-test-case", "timeouts", "other"),
            "ListCustomerFlagsRequest", 'customer_id: "%s"' % uuid),
        "whole-customer": request_match_input(
            "UpdateCustomer", ANY, [("customer", None)], None, "UpdateCustomerRequest",
            'customer { given_name: "Test" family_name: "Customer" language_code: "en" '
            'phone_number: "+4997259173740" }'),
        "v1beta1-add-flag": request_match_input(
            "AddCustomerFlag", SHORT, [("flag", "STAFF"), ("customer_id", None)], None,
            "AddCustomerFlagRequest", 'customer_id: "%s" flag: "STAFF"' % uuid,
            v1beta1=True),
        "create-unicode": request_match_input(
            "CreateCustomer", FULL, [("given_name", None), ("family_name", "Müller")],
            None, "CreateCustomerRequest",
            'given_name: "Zoë \\"Z\\" \\\\ \\t" family_name: "Müller"'),
    }
    for name, data in seeds.items():
        write("request_match", f"{name}.bin", data)


if __name__ == "__main__":
    scenario_seeds()
    fault_rule_seeds()
    page_token_seeds()
    request_match_seeds()
    for target in sorted(CORPUS.iterdir()):
        print(f"{target.name}: {len(list(target.iterdir()))} files")
