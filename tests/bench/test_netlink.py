"""The emulated link: a namespace that reaches the given ports, and only those, and leaves
nothing behind. It times nothing."""

from __future__ import annotations

import http.server
import subprocess
import sys
import threading
from collections.abc import Iterator

import pytest

from devtools import netlink
from devtools.benchreport import Network
from devtools.netlink import EmulatedLink
from devtools.seaweedfs import process_is_running

WHY_NOT = netlink.unavailable()
pytestmark = [
    pytest.mark.harness_smoke,
    pytest.mark.skipif(WHY_NOT is not None, reason=f"no emulated links here: {WHY_NOT}"),
]

FAST = Network("smoke", latency_ms=4, up_mbit=200, down_mbit=200)
FETCH = (
    "import sys, urllib.request\n"
    "print(urllib.request.urlopen(sys.argv[1], timeout=10).read().decode())"
)


class Hello(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b"hello from the host"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def serve() -> Iterator[int]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hello)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def port() -> Iterator[int]:
    yield from serve()


@pytest.fixture
def other_port() -> Iterator[int]:
    yield from serve()


def fetch(link: EmulatedLink, port: int) -> subprocess.CompletedProcess[str]:
    url = f"http://127.0.0.1:{port}/"
    return subprocess.run(
        link.command([sys.executable, "-c", FETCH, url]),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def names(*command: str) -> str:
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def test_a_program_in_the_namespace_reaches_the_port_on_loopback_across_the_link(
    port: int,
) -> None:
    with EmulatedLink(FAST, [port]) as link:
        answer = fetch(link, port)

    assert answer.returncode == 0, answer.stderr
    assert answer.stdout.strip() == "hello from the host"


def test_other_ports_of_this_machine_are_out_of_reach(port: int, other_port: int) -> None:
    with EmulatedLink(FAST, [port]) as link:
        answer = fetch(link, other_port)

    assert answer.returncode != 0
    assert "Connection refused" in answer.stderr


def test_both_ends_of_the_link_are_rate_limited(port: int) -> None:
    with EmulatedLink(FAST, [port]) as link:
        uplink = names(*link.command(["tc", "qdisc", "show", "dev", link.client_end]))
        downlink = names("tc", "qdisc", "show", "dev", link.host_end)

    assert "tbf" in uplink
    assert "rate 200Mbit" in uplink
    assert "tbf" in downlink
    assert "rate 200Mbit" in downlink


def test_nothing_is_left_behind(port: int) -> None:
    with EmulatedLink(FAST, [port]) as link:
        assert link.namespace in names("ip", "netns", "list")
        relays = [process.pid for process in link.relays]

    assert link.namespace not in names("ip", "netns", "list")
    assert link.host_end not in names("ip", "-o", "link", "show")
    assert not any(process_is_running(pid) for pid in relays)
