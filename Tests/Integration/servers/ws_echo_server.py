"""A WebSocket upstream for the proxy tests (the `websockets` package): echoes every message; the text message
`request?` is answered with the upgrade request it received, as JSON {path, headers}. Prints "listening PORT"."""

import asyncio
import json

from websockets.asyncio.server import serve


async def echo(connection):
    async for message in connection:
        if message == "request?":
            request = connection.request
            await connection.send(json.dumps({"path": request.path, "headers": list(request.headers.raw_items())}))
        else:
            await connection.send(message)


async def main():
    async with serve(echo, "127.0.0.1", 0, max_size=None) as server:
        port = server.sockets[0].getsockname()[1]
        print("listening %d" % port, flush=True)
        await asyncio.get_running_loop().create_future()


if __name__ == "__main__":
    asyncio.run(main())
