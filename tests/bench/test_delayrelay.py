"""The delaying relay passes every byte on, in order, both ways, and ends each direction when
its sender does. It times nothing."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from devtools.seaweedfs import free_port, stop_group

pytestmark = pytest.mark.harness_smoke
WEB = Path(__file__).resolve().parents[2] / "web"


def echo_reversed(server: socket.socket) -> None:
    """Reads everything one client sends, then answers it reversed and closes."""
    connection, _ = server.accept()
    with connection:
        received = bytearray()
        while chunk := connection.recv(65536):
            received += chunk
        connection.sendall(bytes(received[::-1]))


@pytest.fixture
def relayed_port() -> Iterator[int]:
    server = socket.create_server(("127.0.0.1", 0))
    threading.Thread(target=echo_reversed, args=(server,), daemon=True).start()
    port = free_port()
    target = server.getsockname()[1]
    relay = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "devtools.delayrelay",
            "--route",
            f"127.0.0.1:{port}=127.0.0.1:{target}",
            "--delay-in-ms",
            "5",
            "--delay-out-ms",
            "5",
            "--handshake-ms",
            "10",
        ],
        cwd=WEB,
        stdout=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        assert relay.stdout is not None
        assert relay.stdout.readline().strip() == b"ready"
        yield port
    finally:
        stop_group(relay, timeout=5)
        assert relay.stdout is not None
        relay.stdout.close()
        server.close()


def test_every_byte_goes_through_in_order_both_ways(relayed_port: int) -> None:
    sent = os.urandom(3 * 1024 * 1024)

    with socket.create_connection(("127.0.0.1", relayed_port), timeout=30) as client:
        client.sendall(sent)
        client.shutdown(socket.SHUT_WR)  # the server answers once it has read to the end
        answer = bytearray()
        while chunk := client.recv(65536):
            answer += chunk

    assert answer == sent[::-1]
