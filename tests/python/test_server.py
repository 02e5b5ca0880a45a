"""What the server offers beside CustomerService: health, reflection, shutdown."""

import signal
import subprocess
import time
import unittest

import grpc
from google.protobuf import descriptor_pb2

from fake_process import (CALL_TIMEOUT, FakeProcess, FakeTestCase, bearer, call, connect,
                          control_pb2,
                          control_pb2_grpc, customer_pb2, customer_pb2_grpc, health_pb2,
                          health_pb2_grpc, reflection_pb2, reflection_pb2_grpc)

CUSTOMER_SERVICE = "moia.trip.customer.v1.CustomerService"


class HealthTest(FakeTestCase):

    def test_overall_status_is_serving(self):
        response = health_pb2_grpc.HealthStub(self.channel).Check(
            health_pb2.HealthCheckRequest(service=""), timeout=CALL_TIMEOUT)
        self.assertEqual(response.status, health_pb2.HealthCheckResponse.SERVING)


class ReflectionTest(FakeTestCase):

    def reflect(self, **request):
        """One request on a ServerReflectionInfo stream; returns the response."""
        stub = reflection_pb2_grpc.ServerReflectionStub(self.channel)
        responses = list(stub.ServerReflectionInfo(
            iter([reflection_pb2.ServerReflectionRequest(**request)]), timeout=CALL_TIMEOUT))
        self.assertEqual(len(responses), 1)
        self.assertFalse(responses[0].HasField("error_response"), responses[0].error_response)
        return responses[0]

    def test_list_services(self):
        services = {s.name for s in self.reflect(list_services="").list_services_response.service}
        self.assertLessEqual({CUSTOMER_SERVICE, "grpc.health.v1.Health"}, services)

    def test_file_containing_customer_service(self):
        files = [descriptor_pb2.FileDescriptorProto.FromString(raw) for raw in self.reflect(
            file_containing_symbol=CUSTOMER_SERVICE).file_descriptor_response.file_descriptor_proto]
        self.assertTrue(files)
        customer_file = files[0]  # the file defining the symbol comes first
        self.assertEqual(customer_file.package, "moia.trip.customer.v1")
        self.assertIn("CustomerService", [s.name for s in customer_file.service])


class ShutdownTest(FakeTestCase):
    # The exit code 0 after SIGTERM is asserted for every test by FakeTestCase;
    # these tests stop the fake themselves to look closer.

    def test_sigterm_exits_zero(self):
        self.assertEqual(self.fake.stop(), 0, self.fake.stderr())

    def test_sigterm_with_stream_in_flight_exits_zero(self):
        watch = health_pb2_grpc.HealthStub(self.channel).Watch(
            health_pb2.HealthCheckRequest(service=""), timeout=3 * CALL_TIMEOUT)
        self.assertEqual(next(watch).status, health_pb2.HealthCheckResponse.SERVING)
        self.assertEqual(self.fake.stop(), 0, self.fake.stderr())
        with self.assertRaises(grpc.RpcError):  # the server ended the stream
            for _ in watch:
                pass


class GraceAndRestartTest(unittest.TestCase):
    """--shutdown-grace, a second signal, and a restart on the same port."""

    HANG = "{id: hang, method: GetCustomer, action: {hang: true}}"
    SLOW = "{id: slow, method: GetCustomer, action: {delay: 60s}}"

    def start(self, *args, rule=HANG):
        fake = FakeProcess(*args)
        self.addCleanup(lambda: fake.proc.poll() is None and fake.stop())
        channel = connect(fake.address)
        self.addCleanup(channel.close)
        call(control_pb2_grpc.ControlServiceStub(channel), "AddFaultRule",
             control_pb2.AddFaultRuleRequest(yaml=rule))
        held = customer_pb2_grpc.CustomerServiceStub(channel).GetCustomer.future(
            customer_pb2.GetCustomerRequest(id="held"), metadata=bearer("t"),
            timeout=60)
        time.sleep(0.3)  # the call reaches the rule
        return fake, held

    def test_held_calls_end_unavailable_at_once(self):
        # A hang never ends by itself: the fake ends it at the signal rather
        # than keep it for the 60 s grace.
        fake, held = self.start("--shutdown-grace", "60s")
        fake.proc.send_signal(signal.SIGTERM)
        with self.assertRaises(grpc.RpcError) as ended:
            held.result(timeout=10)
        self.assertEqual(ended.exception.code(), grpc.StatusCode.UNAVAILABLE)
        self.assertEqual(ended.exception.details(), "the fake is shutting down")
        self.assertEqual(fake.proc.wait(timeout=10), 0, fake.stderr())
        self.assertIn("SIGTERM, finishing calls in flight (up to 1m; a second "
                      "signal exits at once)", fake.stderr())

    def test_calls_still_delayed_end_unavailable_when_the_grace_runs_out(self):
        fake, held = self.start("--shutdown-grace", "1s", rule=self.SLOW)
        sigterm = time.monotonic()
        fake.proc.send_signal(signal.SIGTERM)
        with self.assertRaises(grpc.RpcError) as ended:
            held.result(timeout=10)
        self.assertEqual(ended.exception.code(), grpc.StatusCode.UNAVAILABLE)
        self.assertEqual(fake.proc.wait(timeout=10), 0, fake.stderr())
        self.assertGreaterEqual(time.monotonic() - sigterm, 0.9)

    def test_a_second_signal_exits_at_once(self):
        fake, held = self.start("--shutdown-grace", "60s", rule=self.SLOW)
        fake.proc.send_signal(signal.SIGTERM)
        time.sleep(0.5)
        self.assertIsNone(fake.proc.poll(), "exited before the grace ran out")
        second = time.monotonic()
        fake.proc.send_signal(signal.SIGTERM)
        self.assertEqual(fake.proc.wait(timeout=10), 1, fake.stderr())
        self.assertLess(time.monotonic() - second, 2.0)
        self.assertIn("customer-fake: second signal, exiting now", fake.stderr())
        with self.assertRaises(grpc.RpcError):
            held.result(timeout=10)

    def test_bad_values_are_bad_usage(self):
        for flag, value, use in [
                ("--shutdown-grace", "soon", "use a duration like 5s or 0s"),
                ("--state-sync", "sometimes", "use periodic or always")]:
            with self.subTest(flag=flag):
                result = subprocess.run(
                    [FakeProcess.binary(), "serve", "--listen", "127.0.0.1:0",
                     flag, value], capture_output=True, text=True,
                    timeout=CALL_TIMEOUT)
                self.assertEqual(result.returncode, 2)
                self.assertEqual(result.stderr, f'customer-fake: bad value '
                                 f'"{value}" for {flag}: {use}\n')

    def test_a_restart_on_the_same_port_right_after_exit_listens(self):
        first = FakeProcess()
        port = first.address.rsplit(":", 1)[1]
        channel = connect(first.address)  # a client connected at exit
        channel.close()
        self.assertEqual(first.stop(), 0, first.stderr())
        for _ in range(3):
            again = FakeProcess("--listen", f"127.0.0.1:{port}")
            self.assertEqual(again.address, f"127.0.0.1:{port}")
            self.assertEqual(again.stop(), 0, again.stderr())


class ShutdownInFlightTest(FakeTestCase):
    """SIGTERM while 65 calls wait in fault rules: 32 delayed by 2 s, 32
    hanging, one delayed past the grace."""

    GRACE = 5.0  # seconds `serve` gives calls in flight after SIGTERM (--shutdown-grace)
    DELAYED = 32
    HANGING = 32
    NAMESPACE = [("x-fake-namespace", "shutdown")]

    def setUp(self):
        super().setUp()
        self.control = control_pb2_grpc.ControlServiceStub(self.channel)
        self.metadata = bearer(self.TOKEN) + self.NAMESPACE

    def add_rule(self, yaml):
        return call(self.control, "AddFaultRule", control_pb2.AddFaultRuleRequest(yaml=yaml),
                    self.NAMESPACE).id

    def matched(self):
        rules = call(self.control, "ListFaultRules", control_pb2.ListFaultRulesRequest(),
                     self.NAMESPACE).rules
        return {r.rule.id: r.matched for r in rules}

    def get(self, stub, customer_id, timeout=30):
        """GetCustomer as a future; its completion time lands in self.done_at."""
        future = stub.GetCustomer.future(customer_pb2.GetCustomerRequest(id=customer_id),
                                         metadata=self.metadata, timeout=timeout)
        future.add_done_callback(lambda f: self.done_at.setdefault(id(f), time.monotonic()))
        return future

    def code_of(self, future):
        try:
            future.result()
            return grpc.StatusCode.OK
        except grpc.RpcError as error:
            return error.code()

    def test_calls_in_flight_finish_or_are_cancelled_and_the_fake_exits_in_time(self):
        self.done_at = {}
        customer = self.call("CreateCustomer", customer_pb2.CreateCustomerRequest(
            given_name="Slow", email_address="slow@example.com", language_code="en",
            phone_number="+4915100000001"), metadata=self.NAMESPACE).customer
        self.add_rule(f'{{id: slow, method: GetCustomer, match_request: {{id: "{customer.id}"}},'
                      ' action: {delay: 2s}}')
        self.add_rule('{id: hang, method: GetCustomer, match_request: {id: "hang"},'
                      ' action: {hang: true}}')
        self.add_rule('{id: past, method: GetCustomer, match_request: {id: "past"},'
                      ' action: {delay: 60s}}')

        started = time.monotonic()
        delayed = [self.get(self.customers, customer.id) for _ in range(self.DELAYED)]
        hanging = [self.get(self.customers, "hang") for _ in range(self.HANGING)]
        past = self.get(self.customers, "past")
        # All 65 reached the fake's fault rules, so all are in flight.
        deadline = time.monotonic() + CALL_TIMEOUT
        while self.matched() != {"slow": self.DELAYED, "hang": self.HANGING, "past": 1}:
            self.assertLess(time.monotonic(), deadline, f"not all in flight: {self.matched()}")
            time.sleep(0.01)

        sigterm = time.monotonic()
        self.fake.proc.send_signal(signal.SIGTERM)
        # Calls that race with the signal: served (NOT_FOUND: no such id), or
        # refused, by gRPC itself, with CANCELLED when they reach the open
        # connection after shutdown began, else UNAVAILABLE; never a crash.
        racing = [self.get(self.customers, customer.id + "x", timeout=CALL_TIMEOUT)
                  for _ in range(16)]

        # The hanging calls end at once with UNAVAILABLE, so that their
        # clients retry elsewhere: before the delayed ones finish.
        for future in hanging:
            with self.assertRaises(grpc.RpcError) as ended:
                future.result()
            self.assertEqual(ended.exception.code(), grpc.StatusCode.UNAVAILABLE)
            self.assertEqual(ended.exception.details(), "the fake is shutting down")
            self.assertLess(self.done_at[id(future)], min(self.done_at.get(id(d), 1e18)
                                                          for d in delayed))
        # The delayed calls finish normally, after the signal, at their 2 s.
        for future in delayed:
            self.assertEqual(future.result().customer.id, customer.id)
            self.assertGreaterEqual(self.done_at[id(future)] - started, 2.0)
            self.assertGreater(self.done_at[id(future)], sigterm, "finished before SIGTERM")
        for future in racing:
            self.assertIn(self.code_of(future), {grpc.StatusCode.NOT_FOUND,
                                                 grpc.StatusCode.CANCELLED,
                                                 grpc.StatusCode.UNAVAILABLE})

        # New calls while the one past the grace keeps it shutting down: refused,
        # on the open channel and on a new one alike.
        self.assertIsNone(self.fake.proc.poll(), "exited before the grace ran out")
        late = [self.get(self.customers, customer.id + "y", timeout=CALL_TIMEOUT)
                for _ in range(8)]
        fresh = grpc.insecure_channel(self.fake.address)
        self.addCleanup(fresh.close)
        late += [self.get(customer_pb2_grpc.CustomerServiceStub(fresh), customer.id + "z",
                          timeout=CALL_TIMEOUT) for _ in range(8)]
        self.assertEqual([self.code_of(f) for f in late], [grpc.StatusCode.UNAVAILABLE] * 16)

        # The call delayed past the grace is cancelled when the grace runs
        # out; gRPC tells its client UNAVAILABLE ("Cancelling all calls").
        self.assertEqual(self.code_of(past), grpc.StatusCode.UNAVAILABLE)
        self.assertGreaterEqual(self.done_at[id(past)] - sigterm, self.GRACE - 0.1)

        try:
            code = self.fake.proc.wait(timeout=sigterm + self.GRACE + 2 - time.monotonic())
        except subprocess.TimeoutExpired:
            self.fail(f"still running {self.GRACE + 2} s after SIGTERM")
        exited = time.monotonic() - sigterm
        self.assertEqual(code, 0, self.fake.stderr())
        self.assertLess(exited, self.GRACE + 2)
        self.assertIn("SIGTERM, finishing calls in flight", self.fake.stderr())
