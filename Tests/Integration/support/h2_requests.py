"""Several requests on one HTTP/2 connection, their answers as `support.gateway.Response`s in order."""

from support.gateway import Response
from support.h2conn import H2Connection


def h2_requests(port, requests, tls_ca=None, timeout=15):
    """[(method, path, body, headers dict)] on one connection (h2c, or h2 over TLS with `tls_ca`)."""
    conn = H2Connection(port, tls_ca=tls_ca).start()
    try:
        ids = [conn.request(method, path, body, headers=list(headers.items())) for method, path, body, headers in requests]
        assert conn.wait_for_responses(ids, timeout=timeout), conn.responses
        answers = []
        for stream in ids:
            answer = conn.responses[stream]
            answers.append(Response(answer["status"], [(k, v) for k, v in answer["headers"] if not k.startswith(":")],
                                    answer["body"]))
        return answers
    finally:
        conn.close()
