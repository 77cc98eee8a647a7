"""StudentService (Tests/Integration/idl/student/student.thrift) on Apache Thrift's Python library, Framed
Binary, for the Thrift-HTTP mapping test. It echoes what it was sent, so the test sees what the gateway bound.

Usage: student_server.py --gen-dir DIR; prints `listening <port>` once it accepts connections.
"""

import argparse
import socket
import sys


def build_handler(ttypes):
    class Handler:
        def QueryStudent(self, req):
            student = ttypes.Student(id=req.id, name=req.name, tags=req.tags, token=req.token, grades=req.grades,
                                     session=req.session, ignored=req.ignored)
            return ttypes.StudentResponse(student=student, request_id="r-%s" % req.id,
                                          code=203 if req.name == "accepted" else None,
                                          session="s-%s" % req.session, internal="secret", message="ok")

        def CreateStudent(self, req):
            return ttypes.StudentResponse(student=ttypes.Student(id=req.id, name=req.name), code=201,
                                          message=req.school)

        def Upload(self, req):
            content = req.content.hex() if req.content is not None else None
            return ttypes.StudentResponse(message="%s|%s|%s" % (req.title, content, ",".join(req.tags or [])))

        def Raw(self, req):
            return ttypes.StudentResponse(message="%s|%s" % (req.kind, req.body))

        def Download(self, req):
            content = ("%s|%s|" % (req.name, req.uri)).encode() + b"\x00\xff"
            return ttypes.FileResponse(content=content, content_type="image/png" if req.format == "png" else None,
                                       etag="e-%s" % req.name, unsent="not in the body")

        def Note(self, req):
            return ttypes.NoteResponse(text="note %s \"%s\"\n" % (req.name, req.uri))

        def FileOptions(self, req):
            return ttypes.StudentResponse(request_id="GET, OPTIONS", code=204)

        def Probe(self, req):
            return ttypes.StudentResponse(request_id=req.uri, message="body")

    return Handler()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--gen-dir", required=True)
    args = parser.parse_args()
    sys.path.insert(0, args.gen_dir)

    from thrift.protocol import TBinaryProtocol
    from thrift.server import TServer
    from thrift.transport import TSocket, TTransport

    from student import StudentService
    from student import ttypes

    processor = StudentService.Processor(build_handler(ttypes))
    server_socket = TSocket.TServerSocket(host="127.0.0.1", port=0, socket_family=socket.AF_INET)
    server = TServer.TThreadedServer(processor, server_socket, TTransport.TFramedTransportFactory(),
                                     TBinaryProtocol.TBinaryProtocolFactory(), daemon=True)
    # Listen here rather than in serve(), so the chosen port can be reported before the first accept.
    server_socket.listen()
    server_socket.listen = lambda: None
    print("listening %d" % server_socket.handle.getsockname()[1], flush=True)
    server.serve()


if __name__ == "__main__":
    main()
