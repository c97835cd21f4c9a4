"""A tiny HTTP server on 127.0.0.1 for the Python programs: `GET /delay/<ms>` answers `ok` after
that many milliseconds. It runs its own asyncio loop on a thread of its own and counts the requests
in flight, so a client's limit is measured at the server, as lesson 05's local server does."""

import asyncio
import threading


class Server:
    def __init__(self):
        self.in_flight = 0
        self.most_in_flight = 0
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self._thread.start()
        self._ready.wait()
        return self

    def __exit__(self, *_):
        self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join()

    def url(self, delay_ms):
        return f"http://127.0.0.1:{self.port}/delay/{delay_ms}"

    def reset(self):
        self.most_in_flight = 0

    async def _handle(self, reader, writer):
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            request = await reader.readuntil(b"\r\n\r\n")
            path = request.split(b" ", 2)[1].decode()
            await asyncio.sleep(int(path.rsplit("/", 1)[1]) / 1000)
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
            await writer.drain()
        finally:
            self.in_flight -= 1
            writer.close()

    def _run(self):
        asyncio.run(self._serve())

    async def _serve(self):
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        server = await asyncio.start_server(self._handle, "127.0.0.1", 0, backlog=1024)
        self.port = server.sockets[0].getsockname()[1]
        self._ready.set()
        async with server:
            await self._stop.wait()
