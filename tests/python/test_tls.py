"""TLS like production, driven as an integrator's code would: the fake started
with --tls-self-signed DIR, a grpcio client that changes only the URL and the
trusted CA (DIR/ca.pem), the token endpoint over HTTPS with urllib, the
binary's own client commands with --tls-ca; and what a plaintext client, a
wrong CA or a bad certificate or key get."""

import base64
import json
import os
import shutil
import ssl
import stat
import subprocess
import tempfile
import time
import unittest
import urllib.error
import urllib.request

import grpc

from fake_process import (CALL_TIMEOUT, FakeProcess, bearer, call, control_pb2,
                          control_pb2_grpc, customer_pb2, customer_pb2_grpc)

GUIDE_CUSTOMER = dict(email_address="test-customer@moia.io", family_name="Customer",
                      given_name="Test", language_code="en", phone_number="+4997259173740")
PLAINTEXT_HINT = ("; is the fake serving TLS? Then pass --tls-ca FILE with the CA that "
                  "signed its certificate\n")


def read(path, mode="r"):
    with open(path, mode) as f:
        return f.read()


def tls_channel(address, ca_pem, server_name=None):
    """What an integrator's client does for MOIA: a secure channel that trusts
    a CA; for the fake, the fake's CA."""
    options = [("grpc.ssl_target_name_override", server_name)] if server_name else []
    channel = grpc.secure_channel(
        address, grpc.ssl_channel_credentials(root_certificates=ca_pem), options)
    return channel


def run_binary(*args, env=None, prefix=()):
    """The binary to completion (after `prefix`, a command that runs it), with
    this process's environment without CUSTOMER_FAKE_* variables, plus `env`."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("CUSTOMER_FAKE_")}
    environment.update(env or {})
    return subprocess.run([*prefix, FakeProcess.binary(), *args], capture_output=True,
                          text=True, timeout=CALL_TIMEOUT * 2, stdin=subprocess.DEVNULL,
                          env=environment)


def stderr_with(fake, text):
    """The fake's stderr once it holds `text` (the TLS line follows the
    stdout lines a start prints), or as it is after CALL_TIMEOUT."""
    deadline = time.monotonic() + CALL_TIMEOUT
    while text not in fake.stderr() and time.monotonic() < deadline:
        time.sleep(0.01)
    return fake.stderr()


def make_self_signed(directory, *args):
    """Starts and stops a fake with --tls-self-signed DIR: DIR's files then
    exist. Returns the fake's stderr."""
    fake = FakeProcess("--tls-self-signed", directory, *args)
    code = fake.stop()
    if code != 0:
        raise AssertionError(f"exit code {code}; stderr:\n{fake.stderr()}")
    return fake.stderr()


class SelfSignedTlsTest(unittest.TestCase):
    """One fake with --tls-self-signed and the token endpoint, for all tests."""

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="customer-fake-tls-")
        cls.tls_dir = os.path.join(cls.dir, "tls")
        cls.ca_file = os.path.join(cls.tls_dir, "ca.pem")
        cls.addClassCleanup(shutil.rmtree, cls.dir)
        cls.fake = FakeProcess("--tls-self-signed", cls.tls_dir,
                               "--oauth-listen", "127.0.0.1:0", "--log-level", "off")
        cls.addClassCleanup(cls.fake.stop)  # also when setUpClass fails below
        line = cls.fake.next_line()
        assert line.startswith("oauth on "), line
        cls.oauth = line[len("oauth on "):]
        cls.ca = read(cls.ca_file, "rb")
        # Another fake's CA: what trusting the wrong CA looks like.
        cls.other_ca_file = os.path.join(cls.dir, "other", "ca.pem")
        make_self_signed(os.path.dirname(cls.other_ca_file))

    @classmethod
    def tearDownClass(cls):
        code = cls.fake.stop()
        assert code == 0, f"fake exit code {code}; stderr:\n{cls.fake.stderr()}"

    def channel(self, address=None, ca=None):
        channel = tls_channel(address or self.fake.address, ca or self.ca)
        self.addCleanup(channel.close)
        return channel

    def metadata(self):
        return bearer("guide-access-token") + [("x-fake-namespace", self.id()[-64:])]

    def test_the_start_says_what_clients_trust(self):
        self.assertIn(
            f"customer-fake: TLS: made a new CA and server certificate in {self.tls_dir} "
            f"({self.ca_file} does not exist)\n", self.fake.stderr())
        line = ("customer-fake: TLS on the API port and the token endpoint (https); "
                f"clients trust {self.ca_file}\n")
        self.assertIn(line, stderr_with(self.fake, line))

    def test_guide_calls_over_tls_trusting_ca_pem(self):
        stub = customer_pb2_grpc.CustomerServiceStub(self.channel())
        created = call(stub, "CreateCustomer", customer_pb2.CreateCustomerRequest(
            **GUIDE_CUSTOMER), self.metadata()).customer
        self.assertEqual(created.given_name, "Test")
        got = call(stub, "GetCustomer", customer_pb2.GetCustomerRequest(id=created.id),
                   self.metadata()).customer
        self.assertEqual(got, created)
        call(stub, "AddCustomerFlag", customer_pb2.AddCustomerFlagRequest(
            customer_id=created.id, flag="WHEELCHAIR_ACCESS_NEEDED"), self.metadata())
        flags = call(stub, "ListCustomerFlags", customer_pb2.ListCustomerFlagsRequest(
            customer_id=created.id), self.metadata()).flags
        self.assertEqual(list(flags), ["WHEELCHAIR_ACCESS_NEEDED"])
        # The control service shares the port, so it is over TLS too.
        control = control_pb2_grpc.ControlServiceStub(self.channel())
        calls = call(control, "ListCalls", control_pb2.ListCallsRequest(
            method="CreateCustomer"), self.metadata()).calls
        self.assertEqual([c.code for c in calls], ["OK"])

    def test_localhost_by_name(self):
        port = self.fake.address.rsplit(":", 1)[1]
        stub = customer_pb2_grpc.CustomerServiceStub(self.channel(f"localhost:{port}"))
        call(stub, "ListCustomers", customer_pb2.ListCustomersRequest(), self.metadata())

    def test_a_plaintext_client_is_unavailable(self):
        channel = grpc.insecure_channel(self.fake.address)
        self.addCleanup(channel.close)
        stub = customer_pb2_grpc.CustomerServiceStub(channel)
        with self.assertRaises(grpc.RpcError) as failed:
            call(stub, "ListCustomers", customer_pb2.ListCustomersRequest(), self.metadata())
        self.assertEqual(failed.exception.code(), grpc.StatusCode.UNAVAILABLE)

    def test_a_client_trusting_another_ca_is_unavailable(self):
        stub = customer_pb2_grpc.CustomerServiceStub(
            self.channel(ca=read(self.other_ca_file, "rb")))
        with self.assertRaises(grpc.RpcError) as failed:
            call(stub, "ListCustomers", customer_pb2.ListCustomersRequest(), self.metadata())
        self.assertEqual(failed.exception.code(), grpc.StatusCode.UNAVAILABLE)
        self.assertIn("certificate verify failed", failed.exception.details())

    def fetch_token(self, scheme, context=None):
        request = urllib.request.Request(
            f"{scheme}://{self.oauth}/auth/oauth/token",
            data=b"grant_type=client_credentials",
            headers={"Content-Type": "application/x-www-form-urlencoded",
                     "Authorization": "Basic " + base64.b64encode(b"app:secret").decode()},
            method="POST")
        with urllib.request.urlopen(request, timeout=CALL_TIMEOUT, context=context) as response:
            return response.status, json.loads(response.read())

    def test_the_token_endpoint_serves_https_with_the_same_certificate(self):
        status, body = self.fetch_token("https", ssl.create_default_context(cafile=self.ca_file))
        self.assertEqual(status, 200, body)
        self.assertEqual(body["token_type"], "bearer")
        self.assertTrue(body["access_token"])

    def test_the_token_endpoint_refuses_an_untrusted_ca_and_plain_http(self):
        with self.assertRaises(urllib.error.URLError) as untrusted:
            self.fetch_token("https", ssl.create_default_context(cafile=self.other_ca_file))
        self.assertIsInstance(untrusted.exception.reason, ssl.SSLCertVerificationError)
        with self.assertRaises(Exception):  # the connection is closed unanswered
            self.fetch_token("http")

    def test_cli_health_with_tls_ca(self):
        result = run_binary("health", "--addr", self.fake.address, "--tls-ca", self.ca_file)
        self.assertEqual((result.returncode, result.stdout, result.stderr),
                         (0, "SERVING\n", ""))

    def test_cli_health_without_tls_ca_says_to_pass_it(self):
        result = run_binary("health", "--addr", self.fake.address, "--timeout", "3s")
        self.assertEqual(result.returncode, 3, result.stderr)
        self.assertEqual(result.stdout, "")
        self.assertTrue(result.stderr.startswith(
            f"customer-fake: no answer from {self.fake.address}: "), result.stderr)
        self.assertTrue(result.stderr.endswith(PLAINTEXT_HINT), result.stderr)
        self.assertEqual(len(result.stderr.splitlines()), 1, result.stderr)

    def test_cli_with_the_wrong_ca_says_so(self):
        result = run_binary("health", "--addr", self.fake.address,
                            "--tls-ca", self.other_ca_file, "--timeout", "3s")
        self.assertEqual(result.returncode, 3, result.stderr)
        self.assertIn("certificate verify failed", result.stderr)
        self.assertTrue(result.stderr.endswith(
            f"; the fake's certificate is not signed by the CA in {self.other_ca_file} "
            "(--tls-ca), or has expired\n"), result.stderr)

    def test_cli_with_a_name_the_certificate_does_not_cover_says_so(self):
        result = run_binary("health", "--addr", self.fake.address, "--tls-ca", self.ca_file,
                            "--tls-server-name", "elsewhere.example", "--timeout", "3s")
        self.assertEqual(result.returncode, 3, result.stderr)
        self.assertTrue(result.stderr.endswith(
            "; the fake's certificate does not cover the name connected to: pass "
            "--tls-server-name with a name it covers (or start a self-signed fake with "
            "--tls-host NAME)\n"), result.stderr)
        result = run_binary("health", "--addr", self.fake.address, "--tls-ca", self.ca_file,
                            "--tls-server-name", "localhost")
        self.assertEqual(result.returncode, 0, result.stderr)

    def test_cli_commands_trust_the_self_signed_dir_of_their_environment(self):
        # As in the container: the fake's variables are the commands' too.
        env = {"CUSTOMER_FAKE_TLS_SELF_SIGNED": self.tls_dir,
               "CUSTOMER_FAKE_ADDR": self.fake.address,
               "CUSTOMER_FAKE_NAMESPACE": "cli-env"}
        added = run_binary("fault", "add", "{method: GetCustomer, action: {code: UNAVAILABLE}}",
                           env=env)
        self.assertEqual(added.returncode, 0, added.stderr)
        listed = run_binary("fault", "list", env=env)
        self.assertEqual(listed.returncode, 0, listed.stderr)
        self.assertIn(added.stdout.strip(), listed.stdout)

    def test_cli_with_a_ca_that_is_no_certificate_is_bad_usage(self):
        key = os.path.join(self.tls_dir, "server-key.pem")
        result = run_binary("health", "--addr", self.fake.address, "--tls-ca", key)
        self.assertEqual(result.returncode, 2)
        self.assertTrue(result.stderr.startswith(
            f"customer-fake: --tls-ca {key}: not a PEM certificate"), result.stderr)
        missing = os.path.join(self.dir, "missing.pem")
        result = run_binary("health", "--addr", self.fake.address, "--tls-ca", missing)
        self.assertEqual((result.returncode, result.stderr), (
            2, f"customer-fake: cannot read --tls-ca {missing}: No such file or directory\n"))


class SelfSignedFilesTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="customer-fake-tls-")
        self.addCleanup(shutil.rmtree, self.dir)
        self.tls_dir = os.path.join(self.dir, "tls")

    def file(self, name):
        return os.path.join(self.tls_dir, name)

    def test_files_and_their_modes(self):
        make_self_signed(self.tls_dir)
        modes = {name: stat.S_IMODE(os.stat(self.file(name)).st_mode)
                 for name in sorted(os.listdir(self.tls_dir))}
        self.assertEqual(modes, {".lock": 0o600, "ca-key.pem": 0o600, "ca.pem": 0o644,
                                 "server-key.pem": 0o600, "server.pem": 0o644})

    def test_a_later_start_reuses_them_and_a_new_host_gets_a_new_server_certificate(self):
        make_self_signed(self.tls_dir)
        ca, server = read(self.file("ca.pem")), read(self.file("server.pem"))

        stderr = make_self_signed(self.tls_dir)
        self.assertNotIn("made a new", stderr)
        self.assertEqual((read(self.file("ca.pem")), read(self.file("server.pem"))), (ca, server))

        fake = FakeProcess("--tls-self-signed", self.tls_dir, "--tls-host", "fake.test")
        self.addCleanup(fake.stop)
        self.assertIn(
            "customer-fake: TLS: made a new server certificate, signed by the CA there, in "
            f"{self.tls_dir} (the server certificate does not cover fake.test)\n", fake.stderr())
        self.assertEqual(read(self.file("ca.pem")), ca)  # clients keep trusting it
        self.assertNotEqual(read(self.file("server.pem")), server)
        channel = tls_channel(fake.address, ca.encode(), server_name="fake.test")
        self.addCleanup(channel.close)
        call(customer_pb2_grpc.CustomerServiceStub(channel), "ListCustomers",
             customer_pb2.ListCustomersRequest(), bearer("t"))
        self.assertEqual(fake.stop(), 0, fake.stderr())


class TlsStartFailureTest(unittest.TestCase):
    """What stops `serve` before it listens: exit 2 and one line saying why."""

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="customer-fake-tls-")
        cls.addClassCleanup(shutil.rmtree, cls.dir)
        cls.tls_dir = os.path.join(cls.dir, "tls")
        make_self_signed(cls.tls_dir)
        cls.cert = os.path.join(cls.tls_dir, "server.pem")
        cls.key = os.path.join(cls.tls_dir, "server-key.pem")
        cls.other_key = os.path.join(cls.tls_dir, "ca-key.pem")

    def refused(self, *args, env=None):
        result = run_binary("serve", "--listen", "127.0.0.1:0", *args, env=env)
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertEqual(result.stdout, "")  # never listened
        self.assertEqual(len(result.stderr.splitlines()), 1, result.stderr)
        return result.stderr

    def test_a_certificate_and_its_key_serve(self):
        fake = FakeProcess("--tls-cert", self.cert, "--tls-key", self.key)
        self.addCleanup(fake.stop)  # also when an assertion fails
        line = f"customer-fake: TLS on the API port; certificate {self.cert}\n"
        self.assertIn(line, stderr_with(fake, line))
        channel = tls_channel(fake.address, read(os.path.join(self.tls_dir, "ca.pem"), "rb"))
        self.addCleanup(channel.close)
        call(customer_pb2_grpc.CustomerServiceStub(channel), "ListCustomers",
             customer_pb2.ListCustomersRequest(), bearer("t"))
        channel.close()
        self.assertEqual(fake.stop(), 0, fake.stderr())

    def test_a_missing_key_file(self):
        missing = os.path.join(self.dir, "missing-key.pem")
        self.assertEqual(self.refused("--tls-cert", self.cert, "--tls-key", missing),
                         f"customer-fake: cannot read --tls-key {missing}: "
                         "No such file or directory\n")

    def test_a_key_that_is_a_folder(self):
        self.assertEqual(self.refused("--tls-cert", self.cert, "--tls-key", self.dir),
                         f"customer-fake: cannot read --tls-key {self.dir}: Is a directory\n")

    @unittest.skipIf(os.geteuid() == 0 and not shutil.which("setpriv"),
                     "root reads any file, and there is no setpriv to drop root")
    def test_an_unreadable_key_file(self):
        readable = tempfile.mkdtemp(prefix="customer-fake-tls-")
        self.addCleanup(shutil.rmtree, readable)
        os.chmod(readable, 0o755)
        cert = shutil.copy(self.cert, readable)
        os.chmod(cert, 0o644)
        unreadable = shutil.copy(self.key, os.path.join(readable, "unreadable-key.pem"))
        os.chmod(unreadable, 0)
        # As nobody when root, who reads any file.
        prefix = (["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
                  if os.geteuid() == 0 else [])
        result = run_binary("serve", "--listen", "127.0.0.1:0", "--tls-cert", cert,
                            "--tls-key", unreadable, prefix=prefix)
        self.assertEqual((result.returncode, result.stdout, result.stderr), (
            2, "", f"customer-fake: cannot read --tls-key {unreadable}: Permission denied\n"))

    def test_a_key_from_the_environment_is_named_by_its_variable(self):
        missing = os.path.join(self.dir, "missing-key.pem")
        self.assertEqual(self.refused("--tls-cert", self.cert,
                                      env={"CUSTOMER_FAKE_TLS_KEY": missing}),
                         f"customer-fake: cannot read CUSTOMER_FAKE_TLS_KEY {missing}: "
                         "No such file or directory\n")

    def test_a_key_that_does_not_match_the_certificate(self):
        stderr = self.refused("--tls-cert", self.cert, "--tls-key", self.other_key)
        self.assertTrue(stderr.startswith(
            f"customer-fake: --tls-cert {self.cert} and --tls-key {self.other_key}: "
            "the private key does not match the certificate: error:"), stderr)

    def test_a_certificate_that_is_not_one(self):
        stderr = self.refused("--tls-cert", self.key, "--tls-key", self.key)
        self.assertTrue(stderr.startswith(
            f"customer-fake: --tls-cert {self.key} and --tls-key {self.key}: "
            "the certificate is not a PEM certificate"), stderr)

    def test_flags_that_need_another(self):
        self.assertEqual(self.refused("--tls-cert", self.cert),
                         "customer-fake: --tls-cert needs --tls-key\n")
        self.assertEqual(self.refused("--tls-key", self.key),
                         "customer-fake: --tls-key needs --tls-cert\n")
        self.assertEqual(self.refused("--tls-host", "fake.test"),
                         "customer-fake: --tls-host needs --tls-self-signed (a certificate "
                         "of your own covers the names it was made for)\n")
        self.assertEqual(self.refused("--tls-self-signed", self.tls_dir,
                                      "--tls-cert", self.cert, "--tls-key", self.key),
                         "customer-fake: --tls-self-signed and --tls-cert exclude each "
                         "other: serve a self-signed certificate or your own\n")

    def test_a_bad_host_name(self):
        self.assertEqual(self.refused("--tls-self-signed", self.tls_dir, "--tls-host", "a b"),
                         'customer-fake: --tls-host: bad host name "a b" for the '
                         "certificate: use a DNS name or an IP address\n")

    def test_a_folder_that_cannot_be_made(self):
        below_a_file = os.path.join(self.cert, "tls")
        stderr = self.refused("--tls-self-signed", below_a_file)
        self.assertEqual(stderr, f"customer-fake: --tls-self-signed {below_a_file}: cannot "
                                 f"create the folder {below_a_file}: Not a directory\n")


if __name__ == "__main__":
    unittest.main()
