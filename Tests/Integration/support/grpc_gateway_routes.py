"""Route documents for test_grpc_gateway*.py: `protocol: grpc` services over grpc/gateway_test.proto, with paths
written relative to the route file (as users write them), and `sluice run` over them."""

import os
import pathlib
import tempfile

from support import grpc_gateway_peer as peer
from support.gateway import Gateway, write_routes


def relative(path, directory):
    return os.path.relpath(path, directory)


def grpc_service(name, address, directory, proto="gateway_test.proto", **extra):
    """A gRPC service over `proto` (in Tests/Integration/grpc), codec_types.proto found through an import path
    written relative to `directory` (the route file's); google/api and google/rpc need none."""
    service = {
        "name": name,
        "protocol": "grpc",
        "idl": relative(peer.PROTO_DIR / proto, directory),
        "import_paths": [relative(peer.CODEC_DIR, directory)],
        "endpoints": [address],
        "timeout": "2s",
        "connections": 2,
    }
    service.update(extra)
    return service


def start(sluice_bin, workdir, name, build):
    """Writes the document `build(directory)` makes into a new route directory and starts `sluice run` on it."""
    directory = pathlib.Path(tempfile.mkdtemp(prefix=name + "-", dir=workdir))
    write_routes(directory, build(directory))
    return Gateway.start(sluice_bin, directory, workdir / (directory.name + ".log"))
