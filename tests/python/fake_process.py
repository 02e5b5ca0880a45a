"""The customer-fake process fixture and call helpers shared by all test files.

run_tests.py generates the proto modules, puts them on sys.path and calls
configure() before any test module is imported. A test file for another
service (e.g. ControlService) subclasses FakeTestCase and uses self.channel.
"""

import os
import queue
import signal
import subprocess
import tempfile
import threading
import unittest

import grpc

from customerfake.control.v1 import control_pb2, control_pb2_grpc
from google.rpc import error_details_pb2, status_pb2
from health.v1 import health_pb2, health_pb2_grpc
from moia.trip.customer.v1 import customer_pb2, customer_pb2_grpc
from reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

ERROR_DOMAIN = "trip-api.moia-group.io"
CALL_TIMEOUT = 10  # seconds, for every RPC and for process start and stop

_config = {"binary": None, "scenarios": None, "api_protos": None}


def configure(binary, scenarios=None, api_protos=None):
    _config.update(binary=binary, scenarios=scenarios, api_protos=api_protos)


def scenarios_dir():
    return _config["scenarios"]


def api_protos_dir():
    """The official protos the API modules were generated from, if any."""
    return _config["api_protos"]


class FakeProcess:
    """`customer-fake serve` on a free port; stop() sends SIGTERM."""

    @staticmethod
    def binary():
        return _config["binary"]

    def __init__(self, *args):
        self._stderr = tempfile.TemporaryFile(mode="w+")
        self.proc = subprocess.Popen(
            [_config["binary"], "serve", "--listen", "127.0.0.1:0", *args],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=self._stderr, text=True)
        lines = queue.Queue()
        # Keep draining stdout so the fake never blocks on a full pipe.
        threading.Thread(target=lambda: [lines.put(l) for l in self.proc.stdout],
                         daemon=True).start()
        try:
            first = lines.get(timeout=CALL_TIMEOUT).strip()
        except queue.Empty:
            first = ""
        if not first.startswith("listening on "):
            self.proc.kill()
            self.proc.wait()
            raise RuntimeError(f"unexpected first line {first!r}; stderr:\n{self.stderr()}")
        self.address = first[len("listening on "):]
        self._lines = lines

    def next_line(self):
        """The next line the fake prints on stdout after `listening on`."""
        return self._lines.get(timeout=CALL_TIMEOUT).strip()

    def stderr(self):
        # pread: the fake writes through the same file offset, so a seek here
        # while it runs would make its next line overwrite the start.
        fd = self._stderr.fileno()
        return os.pread(fd, os.fstat(fd).st_size, 0).decode("utf-8", "replace")

    def stop(self):
        """SIGTERM, wait, and return the exit code (killing it after a timeout)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=CALL_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return "timeout after SIGTERM"
        finally:
            self.proc.stdout.close()


def connect(address):
    channel = grpc.insecure_channel(address)
    try:
        grpc.channel_ready_future(channel).result(timeout=CALL_TIMEOUT)
    except grpc.FutureTimeoutError:
        channel.close()
        raise
    return channel


def bearer(token):
    return [("authorization", f"Bearer {token}")] if token else []


def call(stub, method, request, metadata=(), **kwargs):
    """Unary call. Header keys are lowercased like grpcurl and grpc-go do."""
    metadata = [(key.lower(), value) for key, value in metadata]
    return getattr(stub, method)(request, metadata=metadata, timeout=CALL_TIMEOUT, **kwargs)


def create_named(stub, given):
    """Creates a customer named `given` Tester (the rest fixed); its id."""
    return call(stub, "CreateCustomer", customer_pb2.CreateCustomerRequest(
        given_name=given, family_name="Tester", email_address="t@example.com",
        language_code="en", phone_number="+4997259173740"),
        metadata=bearer("t")).customer.id


def error_details(error):
    """The google.rpc.Status in an RpcError's grpc-status-details-bin trailer."""
    trailers = dict(error.trailing_metadata() or ())
    if "grpc-status-details-bin" not in trailers:
        raise AssertionError(f"no grpc-status-details-bin in {error!r}")
    return status_pb2.Status.FromString(trailers["grpc-status-details-bin"])


def error_info(error):
    """The single google.rpc.ErrorInfo of an RpcError."""
    status = error_details(error)
    if status.code != error.code().value[0]:
        raise AssertionError(f"details code {status.code} != call code {error.code()}")
    infos = []
    for detail in status.details:
        if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
            info = error_details_pb2.ErrorInfo()
            detail.Unpack(info)
            infos.append(info)
    if len(infos) != 1:
        raise AssertionError(f"expected one ErrorInfo, got {status}")
    return infos[0]


class FakeTestCase(unittest.TestCase):
    """Runs a fresh fake per test with SERVE_ARGS and checks it exits 0 on SIGTERM."""

    SERVE_ARGS = ()
    TOKEN = "guide-access-token"  # any bearer token works in the default auth mode

    def setUp(self):
        self.fake = FakeProcess(*self.SERVE_ARGS)
        self.addCleanup(self._stop_fake)  # cleanups run after tearDown, last first
        self.channel = connect(self.fake.address)
        self.addCleanup(self.channel.close)
        self.customers = customer_pb2_grpc.CustomerServiceStub(self.channel)

    def _stop_fake(self):
        code = self.fake.stop()
        self.assertEqual(code, 0, f"fake exit code after SIGTERM; stderr:\n{self.fake.stderr()}")

    def call(self, method, request, token=None, metadata=()):
        """CustomerService call with `authorization: Bearer <token>` (default self.TOKEN)."""
        return call(self.customers, method, request,
                    bearer(token or self.TOKEN) + list(metadata))

    def assertRpcError(self, code, reason, method, request, **kwargs):
        """Calls, expects code with an ErrorInfo of reason in our domain; returns it."""
        with self.assertRaises(grpc.RpcError) as caught:
            self.call(method, request, **kwargs)
        error = caught.exception
        self.assertEqual(error.code(), code, error.details())
        info = error_info(error)
        self.assertEqual(info.reason, reason)
        self.assertEqual(info.domain, ERROR_DOMAIN)
        return info

    def create_customer(self, **fields):
        return self.call("CreateCustomer", customer_pb2.CreateCustomerRequest(**fields)).customer
