"""A tiny HTTP server on 127.0.0.1 for the Python programs: `GET /delay/<ms>` answers `ok` after
that many milliseconds, and `GET /photo/<id>/<ms>` answers with a "photo" (PHOTO_BYTES bytes made from
the id, the same on every request) after that long. It runs its own asyncio loop on a thread of its own and counts the requests
in flight, so a client's limit is measured at the server, as lesson 05's local server does."""

import asyncio
import threading

PHOTO_BYTES = 16 * 1024


def photo(photo_id):
    """The bytes the server sends for photo `photo_id`: a fixed pattern, so a client can check them."""
    return bytes((photo_id * 7 + i * 13) % 251 for i in range(PHOTO_BYTES))


class Server:
    def __init__(self):
        self.in_flight = 0
        self.most_in_flight = 0
        self._ready = threading.Event()
        self._photos = {}  # made once each, so serving a photo costs the server no CPU
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

    def photo_url(self, photo_id, delay_ms):
        self._photos.setdefault(photo_id, photo(photo_id))
        return f"http://127.0.0.1:{self.port}/photo/{photo_id}/{delay_ms}"

    def reset(self):
        self.most_in_flight = 0

    async def _handle(self, reader, writer):
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            request = await reader.readuntil(b"\r\n\r\n")
            path = request.split(b" ", 2)[1].decode()
            parts = path.split("/")  # ["", "delay", ms] or ["", "photo", id, ms]
            await asyncio.sleep(int(parts[-1]) / 1000)
            body = self._photos[int(parts[2])] if parts[1] == "photo" else b"ok"
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n" % len(body)
                         + b"Connection: close\r\n\r\n" + body)
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
