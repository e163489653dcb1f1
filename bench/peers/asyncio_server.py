# SPDX-License-Identifier: MIT
# A Python asyncio echo server as a careful user writes it: a Protocol (the fast asyncio API),
# every peer served at once, reading paused while the peer is not taking its echo.
import asyncio
import signal
import sys


class Echo(asyncio.Protocol):
    def connection_made(self, transport):
        self.transport = transport

    def data_received(self, data):
        self.transport.write(data)

    def eof_received(self):
        return False  # close once the echo is written: our FIN follows theirs

    def pause_writing(self):
        self.transport.pause_reading()

    def resume_writing(self):
        self.transport.resume_reading()


async def main(port):
    loop = asyncio.get_running_loop()
    stop = loop.create_future()
    loop.add_signal_handler(signal.SIGTERM, stop.set_result, None)
    server = await loop.create_server(Echo, "127.0.0.1", port, reuse_address=True, backlog=1024)
    async with server:
        await stop


asyncio.run(main(int(sys.argv[1])))
