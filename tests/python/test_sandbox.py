"""The sandbox features over the wire, driven like an integrator's app would:
the OAuth token endpoint (urllib for the token, grpcio for the API, the token
expiring for real) and the state file across restarts, SIGTERM and SIGKILL."""

import base64
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import unittest
import urllib.error
import urllib.request

import grpc

from fake_process import (CALL_TIMEOUT, FakeProcess, FakeTestCase, bearer, call, connect,
                          create_named, customer_pb2, customer_pb2_grpc, scenarios_dir)


def fetch_token(oauth_address, client_id, client_secret, grant_type="client_credentials"):
    """What MOIA's guide does with curl --user id:secret --data-urlencode grant_type=..."""
    request = urllib.request.Request(
        f"http://{oauth_address}/auth/oauth/token",
        data=f"grant_type={grant_type}".encode(),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Authorization": "Basic " + base64.b64encode(
                f"{client_id}:{client_secret}".encode()).decode(),
        },
        method="POST")
    try:
        with urllib.request.urlopen(request, timeout=CALL_TIMEOUT) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


class OAuthTokenEndpointTest(FakeTestCase):
    SERVE_ARGS = ("--oauth-listen", "127.0.0.1:0", "--auth", "oauth",
                  "--oauth-client", "app:s3cret", "--oauth-token-ttl", "2s")

    def setUp(self):
        super().setUp()
        line = self.fake.next_line()
        self.assertTrue(line.startswith("oauth on "), line)
        self.oauth = line[len("oauth on "):]

    def list_customers(self, token):
        return call(self.customers, "ListCustomers", customer_pb2.ListCustomersRequest(),
                    metadata=bearer(token))

    def test_token_works_until_it_expires_then_a_fresh_one_works(self):
        status, body = fetch_token(self.oauth, "app", "s3cret")
        self.assertEqual(status, 200, body)
        self.assertEqual(set(body), {"access_token", "expires_in", "token_type"})
        self.assertEqual(body["expires_in"], 2)
        self.assertEqual(body["token_type"], "bearer")
        token = body["access_token"]
        self.list_customers(token)  # accepted
        time.sleep(2.2)
        with self.assertRaises(grpc.RpcError) as expired:
            self.list_customers(token)
        self.assertEqual(expired.exception.code(), grpc.StatusCode.UNAUTHENTICATED)
        self.assertIn("has expired", expired.exception.details())
        # What a client's refresh logic does: fetch again, call again.
        status, body = fetch_token(self.oauth, "app", "s3cret")
        self.assertEqual(status, 200, body)
        self.list_customers(body["access_token"])

    def test_wrong_secret_is_401_invalid_client(self):
        status, body = fetch_token(self.oauth, "app", "guess")
        self.assertEqual(status, 401)
        self.assertEqual(body, {"error": "invalid_client", "error_description":
                                "client authentication failed: unknown client or wrong secret"})

    def test_a_request_without_a_body_is_told_what_is_missing(self):
        # What `curl -X POST URL` sends: no body, no Content-Length.
        host, port = self.oauth.rsplit(":", 1)
        with socket.create_connection((host, int(port)), timeout=CALL_TIMEOUT) as conn:
            conn.sendall(b"POST /auth/oauth/token HTTP/1.1\r\nHost: fake\r\n"
                         b"Connection: close\r\n\r\n")
            answer = b""
            while chunk := conn.recv(4096):
                answer += chunk
        head, _, body = answer.partition(b"\r\n\r\n")
        self.assertTrue(head.startswith(b"HTTP/1.1 400 "), head)
        self.assertEqual(json.loads(body), {
            "error": "invalid_request", "error_description":
            "missing grant_type (send grant_type=client_credentials as "
            "application/x-www-form-urlencoded)"})

    def test_a_token_from_elsewhere_is_unauthenticated(self):
        with self.assertRaises(grpc.RpcError) as refused:
            self.list_customers("guide-access-token")
        self.assertEqual(refused.exception.code(), grpc.StatusCode.UNAUTHENTICATED)
        self.assertIn("was not issued by the token endpoint", refused.exception.details())


class StateFileTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="customer-fake-state-")
        self.addCleanup(shutil.rmtree, self.dir)
        self.path = os.path.join(self.dir, "state.yaml")

    def start(self, *args):
        fake = FakeProcess("--scenario", os.path.join(scenarios_dir(), "default.yaml"),
                           "--state-file", self.path, *args)
        channel = connect(fake.address)
        self.addCleanup(channel.close)
        return fake, customer_pb2_grpc.CustomerServiceStub(channel)

    @staticmethod
    def ids(stub):
        return [c.id for c in call(stub, "ListCustomers",
                                   customer_pb2.ListCustomersRequest(page_size=1000),
                                   metadata=bearer("t")).customers]

    def test_state_survives_sigterm_and_restart(self):
        fake, stub = self.start()
        created = create_named(stub, "Ada")
        call(stub, "AddCustomerFlag", customer_pb2.AddCustomerFlagRequest(
            customer_id=created, flag="WHEELCHAIR_ACCESS_NEEDED"), metadata=bearer("t"))
        before = self.ids(stub)
        self.assertEqual(fake.stop(), 0, fake.stderr())

        again, stub = self.start()
        self.assertIn("state restored from " + self.path, again.stderr())
        self.assertEqual(self.ids(stub), before)
        flags = call(stub, "ListCustomerFlags", customer_pb2.ListCustomerFlagsRequest(
            customer_id=created), metadata=bearer("t")).flags
        self.assertEqual(list(flags), ["WHEELCHAIR_ACCESS_NEEDED"])
        self.assertEqual(again.stop(), 0, again.stderr())

    def test_a_crash_loses_at_most_the_last_interval(self):
        fake, stub = self.start("--state-interval", "100ms")
        created = create_named(stub, "Bea")
        time.sleep(0.5)  # several intervals
        fake.proc.send_signal(signal.SIGKILL)
        fake.proc.wait()
        fake.proc.stdout.close()

        again, stub = self.start()
        self.assertIn(created, self.ids(stub))
        self.assertEqual(again.stop(), 0, again.stderr())

    def test_a_write_slower_than_half_the_interval_is_said_once(self):
        # Any write takes longer than half of 2 µs: every one is slow.
        fake, stub = self.start("--state-interval", "2us")
        for name in ["Cy", "Dee", "Eve"]:
            create_named(stub, name)
            time.sleep(0.05)  # a write in between
        self.assertEqual(fake.stop(), 0, fake.stderr())
        slow = [line for line in fake.stderr().splitlines() if " took " in line]
        self.assertEqual(len(slow), 1, fake.stderr())
        self.assertRegex(slow[0], (
            r" info writing .*/state\.yaml took [0-9.]+[mu]?s, more than half of "
            r"--state-interval \(2us\): a crash may lose changes older than the "
            r"interval; a longer --state-interval or --state-sync always keeps "
            r"the promise$"))

    def test_a_cached_token_outlives_a_restart_until_it_expires(self):
        # MOIA's guide has clients cache their token until it expires.
        oauth = ("--auth", "oauth", "--oauth-listen", "127.0.0.1:0",
                 "--oauth-client", "app:s3cret", "--oauth-token-ttl", "3s")
        fake, stub = self.start(*oauth)
        line = fake.next_line()
        self.assertTrue(line.startswith("oauth on "), line)
        status, body = fetch_token(line[len("oauth on "):], "app", "s3cret")
        self.assertEqual(status, 200, body)
        token = body["access_token"]
        self.assertEqual(fake.stop(), 0, fake.stderr())

        again, stub = self.start(*oauth)
        listed = call(stub, "ListCustomers", customer_pb2.ListCustomersRequest(),
                      metadata=bearer(token))
        self.assertTrue(listed.customers)
        time.sleep(3.2)
        with self.assertRaises(grpc.RpcError) as expired:
            call(stub, "ListCustomers", customer_pb2.ListCustomersRequest(),
                 metadata=bearer(token))
        self.assertEqual(expired.exception.code(), grpc.StatusCode.UNAUTHENTICATED)
        self.assertIn("has expired", expired.exception.details())
        self.assertEqual(again.stop(), 0, again.stderr())

    def test_a_corrupt_state_file_refuses_to_start(self):
        with open(self.path, "w") as f:
            f.write("format: customer-fake-state\nversion: 1\nnamespaces: [\n")
        result = subprocess.run(
            [FakeProcess.binary(), "serve", "--listen", "127.0.0.1:0",
             "--state-file", self.path],
            capture_output=True, text=True, timeout=CALL_TIMEOUT)
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertEqual(result.stdout, "")
        self.assertIn(f"{self.path}: not a usable state file; fix it, or move it away to "
                      "start from the scenario:", result.stderr)
        with open(self.path) as f:  # left as it was
            self.assertEqual(f.read(), "format: customer-fake-state\nversion: 1\nnamespaces: [\n")


if __name__ == "__main__":
    unittest.main()
