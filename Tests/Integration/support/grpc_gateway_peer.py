"""The gRPC side of test_grpc_gateway*.py: Python code and a descriptor set for grpc/gateway_test.proto (and
the codec fixture it imports), generated at test time with grpcio-tools' protoc, and
servers/grpc_gateway_server.py started on a free port."""

import pathlib
import subprocess
import sys

from support.processes import Child, wait_for_port

INTEGRATION = pathlib.Path(__file__).resolve().parents[1]
PROTO_DIR = INTEGRATION / "grpc"
CODEC_DIR = INTEGRATION.parent / "SluiceProtobufTests" / "Fixtures" / "codec"
SERVER = INTEGRATION / "servers" / "grpc_gateway_server.py"
PROTOS = ["gateway_test.proto", "gateway_templates.proto"]


def googleapis_dir():
    """Where googleapis-common-protos keeps google/api and google/rpc .proto files (an import path)."""
    import google.rpc.error_details_pb2 as error_details

    return pathlib.Path(error_details.__file__).resolve().parents[2]


def generate(out):
    """Python modules for the test protos and codec_types.proto into `out`, and `out/gateway_test.binpb`
    (protoc's descriptor set of gateway_test.proto with its imports); returns the descriptor set's path."""
    out = pathlib.Path(out)
    out.mkdir(parents=True, exist_ok=True)
    includes = ["-I", PROTO_DIR, "-I", CODEC_DIR, "-I", googleapis_dir()]
    subprocess.run([sys.executable, "-m", "grpc_tools.protoc", *includes, "--python_out", out, "--grpc_python_out", out,
                    *PROTOS, "codec_types.proto", "codec_legacy.proto"], check=True, cwd=PROTO_DIR)
    descriptors = out / "gateway_test.binpb"
    subprocess.run([sys.executable, "-m", "grpc_tools.protoc", *includes, "--include_imports", "--descriptor_set_out",
                    descriptors, "gateway_test.proto"], check=True, cwd=PROTO_DIR)
    return descriptors


class GatewayPeer:
    """A running grpc_gateway_server.py."""

    def __init__(self, child, port):
        self.child = child
        self.port = port

    @property
    def address(self):
        return "127.0.0.1:%d" % self.port

    def stop(self):
        self.child.stop()


def start(gen_dir, log_path, port=0, tls=None):
    """grpc_gateway_server.py on `port` (0: a free one); `tls` is (certificate, key) to serve over TLS."""
    args = [sys.executable, SERVER, "--gen", gen_dir, "--port", str(port)]
    if tls:
        args += ["--cert", tls[0], "--key", tls[1]]
    child = Child(args, log_path)
    port = int(child.wait_for_line(r"listening (\d+)", timeout=30).group(1))
    wait_for_port(port)
    return GatewayPeer(child, port)
