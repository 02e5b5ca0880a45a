"""A gRPC client of the fake for the browser tests: one JSON request a line
on stdin ({"method": "GetCustomer", "request": {...}, "namespace": "ns"}),
one JSON answer a line on stdout ({"code": "OK", "message": "",
"response": {...}}).

Usage: grpc_client.py GEN_DIR ADDRESS (GEN_DIR: tests/python/protogen.py's
modules).
"""

import json
import sys

sys.path.insert(0, sys.argv[1])

import grpc  # noqa: E402
from google.protobuf import json_format  # noqa: E402
from moia.trip.customer.v1 import customer_pb2  # noqa: E402

SERVICE = "/moia.trip.customer.v1.CustomerService/"


def main():
    channel = grpc.insecure_channel(sys.argv[2])
    for line in sys.stdin:
        call = json.loads(line)
        method = call["method"]
        metadata = [("authorization", "Bearer browser-test-token")]
        if call.get("namespace"):
            metadata.append(("x-fake-namespace", call["namespace"]))
        try:
            request_type = getattr(customer_pb2, method + "Request")
            response_type = getattr(customer_pb2, method + "Response")
            stub = channel.unary_unary(
                SERVICE + method,
                request_serializer=request_type.SerializeToString,
                response_deserializer=response_type.FromString)
            request = json_format.ParseDict(call.get("request", {}), request_type())
            response = stub(request, metadata=metadata, timeout=10)
            answer = {"code": "OK", "message": "",
                      "response": json_format.MessageToDict(response)}
        except grpc.RpcError as error:
            answer = {"code": error.code().name, "message": error.details()}
        except Exception as error:  # a bad call of the test: say so, go on
            answer = {"code": "CLIENT_ERROR", "message": repr(error)}
        print(json.dumps(answer), flush=True)


if __name__ == "__main__":
    main()
