"""close_connection on the wire: over plaintext the client gets a GOAWAY frame
(last stream id 2^31-1, NO_ERROR) and then the connection ends; over TLS the
connection ends without one. Frames are read with nghttp (nghttp2-client,
installed by scripts/setup.sh), which prints every frame it receives."""

import os
import shutil
import subprocess
import tempfile
import unittest

from fake_process import CALL_TIMEOUT, FakeProcess

SCENARIO = """\
version: 1
faults:
  - id: close
    method: GetCustomer
    action: { close_connection: true }
"""
# A gRPC frame: not compressed, 3 bytes, GetCustomerRequest{id: "x"}.
REQUEST = b"\x00\x00\x00\x00\x03\x0a\x01x"
GOAWAY = "recv GOAWAY frame <length=8, flags=0x00, stream_id=0>"
GOAWAY_FIELDS = "(last_stream_id=2147483647, error_code=NO_ERROR(0x00), opaque_data(0)=[])"
NOT_PROCESSED = "Some requests were not processed. total=1, processed=0"


@unittest.skipIf(shutil.which("nghttp") is None,
                 "nghttp not installed (Debian's nghttp2-client; scripts/setup.sh installs it)")
class CloseConnectionOnTheWireTest(unittest.TestCase):

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="customer-fake-close-")
        self.addCleanup(shutil.rmtree, self.dir, True)
        self.scenario = os.path.join(self.dir, "close.yaml")
        with open(self.scenario, "w") as f:
            f.write(SCENARIO)
        self.request = os.path.join(self.dir, "request.bin")
        with open(self.request, "wb") as f:
            f.write(REQUEST)

    def start(self, *args):
        fake = FakeProcess("--scenario", self.scenario, *args)
        self.addCleanup(fake.stop)
        return fake

    def get_customer(self, url):
        """nghttp's output for one GetCustomer call: every frame it received."""
        result = subprocess.run(
            ["nghttp", "-v", "-H", "content-type: application/grpc",
             "-H", "te: trailers", "-H", "authorization: Bearer t",
             "-d", self.request,
             f"{url}/moia.trip.customer.v1.CustomerService/GetCustomer"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            timeout=CALL_TIMEOUT)
        return result.stdout

    def test_plaintext_gets_goaway_then_the_connection_ends(self):
        fake = self.start()
        out = self.get_customer(f"http://{fake.address}")
        lines = out.splitlines()
        goaway = [i for i, line in enumerate(lines) if GOAWAY in line]
        self.assertEqual(len(goaway), 1, out)
        self.assertIn(GOAWAY_FIELDS, lines[goaway[0] + 1], out)
        # No answer on the call's stream: neither headers nor a status.
        self.assertNotIn(":status", out)
        self.assertNotIn("grpc-status", out)
        self.assertIn(NOT_PROCESSED, out)

    def test_tls_ends_the_connection_without_goaway(self):
        fake = self.start("--tls-self-signed", os.path.join(self.dir, "tls"))
        out = self.get_customer(f"https://{fake.address}")
        # The handshake and the SETTINGS went through: the call was made.
        self.assertIn("recv SETTINGS frame", out)
        self.assertNotIn("GOAWAY", out)
        self.assertNotIn(":status", out)
        self.assertIn(NOT_PROCESSED, out)


if __name__ == "__main__":
    unittest.main()
