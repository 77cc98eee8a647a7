"""A WebSocket upstream for the proxy tests (the `websockets` package): echoes every message; the text message
`request?` is answered with the upgrade request it received, as JSON {path, headers}. With --tls-cert and
--tls-key it serves wss. Prints "listening PORT"."""

import argparse
import asyncio
import json
import ssl

from websockets.asyncio.server import serve


async def echo(connection):
    async for message in connection:
        if message == "request?":
            request = connection.request
            await connection.send(json.dumps({"path": request.path, "headers": list(request.headers.raw_items())}))
        else:
            await connection.send(message)


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tls-cert", help="serve TLS with this PEM certificate")
    parser.add_argument("--tls-key", help="the certificate's PEM key")
    args = parser.parse_args()
    context = None
    if args.tls_cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.tls_cert, args.tls_key)
    async with serve(echo, "127.0.0.1", 0, max_size=None, ssl=context) as server:
        port = server.sockets[0].getsockname()[1]
        print("listening %d" % port, flush=True)
        await asyncio.get_running_loop().create_future()


if __name__ == "__main__":
    asyncio.run(main())
