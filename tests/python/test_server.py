"""What the server offers beside CustomerService: health, reflection, shutdown."""

import grpc
from google.protobuf import descriptor_pb2

from fake_process import (CALL_TIMEOUT, FakeTestCase, health_pb2, health_pb2_grpc,
                          reflection_pb2, reflection_pb2_grpc)

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
