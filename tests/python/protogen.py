"""Generates the Python protobuf and gRPC modules the tests import."""

import os
import shutil
import subprocess

PROTOC = "/usr/bin/protoc"
GRPC_PLUGIN = "/usr/bin/grpc_python_plugin"
SYSTEM_INCLUDE = "/usr/include"  # google/protobuf/*.proto

API_PROTOS = ["moia/trip/customer/v1/customer.proto"]
PROJECT_PROTOS = [
    "google/rpc/status.proto",
    "google/rpc/error_details.proto",
    "customerfake/control/v1/control.proto",
]

# grpc.health.v1 and grpc.reflection.v1alpha (both bundled with the project)
# are compiled relative to their grpc/ folder, so the generated modules become
# `health.v1.health_pb2` and `reflection.v1alpha.reflection_pb2`: a `grpc/`
# directory in the generated tree would collide with the grpc package itself.
# The proto packages (and so the service names on the wire) are unchanged.


def _protoc(include_root, out_dir, files):
    subprocess.run(
        [PROTOC, f"-I{include_root}", f"-I{SYSTEM_INCLUDE}",
         f"--plugin=protoc-gen-grpc_python={GRPC_PLUGIN}",
         f"--python_out={out_dir}", f"--grpc_python_out={out_dir}", *files],
        check=True)


def generate(protos_dir, out_dir, api_protos_dir=None):
    """Regenerates all modules into out_dir (emptied first). The API's modules
    come from api_protos_dir when given (an integrator's official files, with
    the v1beta1 one when it is there), else from protos_dir."""
    shutil.rmtree(out_dir, ignore_errors=True)
    os.makedirs(out_dir)
    _protoc(protos_dir, out_dir, PROJECT_PROTOS)
    api_dir = api_protos_dir or protos_dir
    api = API_PROTOS + [f for f in ["moia/ridepooling/customer/v1beta1/customer.proto"]
                        if api_protos_dir and os.path.exists(os.path.join(api_dir, f))]
    _protoc(api_dir, out_dir, api)
    _protoc(os.path.join(protos_dir, "grpc"), out_dir,
            ["health/v1/health.proto", "reflection/v1alpha/reflection.proto"])
