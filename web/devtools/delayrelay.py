"""A TCP relay that holds bytes back: the propagation delay of an emulated link.

    python -m devtools.delayrelay --route LISTEN_HOST:PORT=TO_HOST:PORT ... \
        [--delay-in-ms D] [--delay-out-ms D] [--handshake-ms D]

This kernel has no `netem`, so `tc` can limit a link's rate (tbf) but not delay it. The
benchmark's emulated link (`devtools.netlink`) therefore chains two of these relays across a
rate-limited veth pair, each delaying the bytes that have just crossed the link: the relay on
the servers' side delays what arrives from the client (`--delay-in-ms`), the one on the
client's side what arrives from the servers (`--delay-out-ms`). A new connection waits
`--handshake-ms` (one round trip: TCP's SYN, SYN-ACK) before its first byte goes on.

Prints "ready" on stdout once every route listens; runs until SIGTERM.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal

CHUNK = 64 * 1024
QUEUED_CHUNKS = 256  # a bound on memory: the link's rate limit keeps far fewer in flight


async def delayed(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, delay: float) -> None:
    """Copy reader to writer, each chunk `delay` seconds after it was read."""
    loop = asyncio.get_running_loop()
    line: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue(QUEUED_CHUNKS)

    async def take() -> None:
        with contextlib.suppress(OSError):  # a reset ends this direction as its end would
            while chunk := await reader.read(CHUNK):
                await line.put((loop.time() + delay, chunk))
        await line.put((loop.time() + delay, b""))

    async def give() -> None:
        while True:
            due, chunk = await line.get()
            if (wait := due - loop.time()) > 0:
                await asyncio.sleep(wait)
            if not chunk:
                if writer.can_write_eof():
                    writer.write_eof()
                return
            writer.write(chunk)
            await writer.drain()

    taking = asyncio.ensure_future(take())
    try:
        await give()
    finally:
        taking.cancel()


async def relay(
    client: tuple[asyncio.StreamReader, asyncio.StreamWriter],
    target: tuple[str, int],
    delay_in: float,
    delay_out: float,
    handshake: float,
) -> None:
    reader, writer = client
    try:
        await asyncio.sleep(handshake)
        up_reader, up_writer = await asyncio.open_connection(*target)
    except OSError:
        writer.close()
        return
    try:
        await asyncio.gather(
            delayed(reader, up_writer, delay_in), delayed(up_reader, writer, delay_out)
        )
    except (OSError, asyncio.IncompleteReadError):
        pass
    finally:
        for w in (writer, up_writer):
            w.close()


def parse_route(text: str) -> tuple[tuple[str, int], tuple[str, int]]:
    listen, _, target = text.partition("=")

    def address(part: str) -> tuple[str, int]:
        host, _, port = part.rpartition(":")
        return host, int(port)

    return address(listen), address(target)


async def serve(
    routes: list[tuple[tuple[str, int], tuple[str, int]]],
    delay_in: float,
    delay_out: float,
    handshake: float,
) -> None:
    stopped = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stopped.set)
    servers = []
    for listen, target in routes:

        async def accept(
            reader: asyncio.StreamReader,
            writer: asyncio.StreamWriter,
            target: tuple[str, int] = target,
        ) -> None:
            # Cancelled when the relay stops: Python 3.11's asyncio would log that as an error.
            with contextlib.suppress(asyncio.CancelledError):
                await relay((reader, writer), target, delay_in, delay_out, handshake)

        servers.append(await asyncio.start_server(accept, *listen, reuse_address=True))
    print("ready", flush=True)
    await stopped.wait()
    for server in servers:
        server.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devtools.delayrelay")
    parser.add_argument("--route", action="append", type=parse_route, required=True)
    parser.add_argument("--delay-in-ms", type=float, default=0.0)
    parser.add_argument("--delay-out-ms", type=float, default=0.0)
    parser.add_argument("--handshake-ms", type=float, default=0.0)
    args = parser.parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(
            serve(
                args.route,
                args.delay_in_ms / 1000,
                args.delay_out_ms / 1000,
                args.handshake_ms / 1000,
            )
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
