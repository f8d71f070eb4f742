"""An emulated network link between a client namespace and this machine's servers.

`EmulatedLink(network, ports)` makes a network namespace whose only way out is a veth pair to
this machine, and in it `127.0.0.1:PORT` for each of `ports` (the app, S3), so that a program
run there with `link.command([...])` (`ip netns exec`) uses the very URLs it would use here, and
reaches the servers only across the link:

    client ─ lo ─ relay ═ veth: tbf, uplink rate ═▶ relay, +RTT/2 ─ lo ─ gunicorn, SeaweedFS
    client ◀ +RTT/2, relay ◀═ veth: tbf, downlink rate ═ relay ◀ lo ◀ gunicorn, SeaweedFS

The rate is the kernel's (a token bucket, `tc qdisc … tbf`, on each end's egress, queueing one
round trip's worth of bytes). The latency is not: this kernel has no `netem`, so the relays
(`devtools.delayrelay`) hold each chunk back by half the round trip after it has crossed the
veth, and hold each new connection one round trip (the TCP handshake).

What that leaves out: the relays split each TCP connection in three, so the client's own TCP
talks over loopback and never sees the round trip. A request still waits one round trip for its
answer, a new connection one more, and the bytes go no faster than the link's rate; but TCP's
slow start (several round trips to open the window, per connection) and its window limits over a
long round trip are not emulated, nor loss (tbf drops when its queue is full, on a link of
nearly zero round trip, which TCP recovers from at once). Numbers are upper bounds: a real link
of this kind is a little slower, more so for short uploads and new connections.

Needs root and iproute2 (Debian's, `make iproute2`); `unavailable()` says why not, for callers
to skip. Everything made is removed on exit, also when the run is stopped with SIGTERM (callers
turn it into an exception, as `devtools.bench` does).
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from devtools.benchreport import Network
from devtools.lifecycle import Started
from devtools.seaweedfs import stop_group

WEB = Path(__file__).resolve().parents[1]


def unavailable() -> str | None:
    """Why the link cannot be made here, or None if it can: tried in a namespace made and
    removed at once (a veth pair and a tbf qdisc in it)."""
    if os.geteuid() != 0:
        return "network namespaces need root"
    missing = [tool for tool in ("ip", "tc") if shutil.which(tool) is None]
    if missing:
        return f"{' and '.join(missing)} missing: install Debian's iproute2 (`make iproute2`)"
    probe = f"d2s-probe-{secrets.token_hex(3)}"
    try:
        _run("ip", "netns", "add", probe)
        _run("ip", "-n", probe, "link", "add", "probe0", "type", "veth", "peer", "name", "probe1")
        _run("tc", "-n", probe, "qdisc", "add", "dev", "probe0", "root", *_tbf(1, 10))
    except RuntimeError as error:
        return str(error)
    finally:
        subprocess.run(["ip", "netns", "del", probe], capture_output=True, check=False)
    return None


def _run(*argv: str) -> None:
    result = subprocess.run(argv, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)}: {result.stderr.strip()}")


def _tbf(mbit: float, rtt_ms: float) -> list[str]:
    # The bucket holds at least 16 KiB (or 2 ms of the rate); the queue one round trip's bytes.
    burst = max(16 * 1024, int(mbit * 1e6 / 8 * 0.002))
    return ["tbf", "rate", f"{mbit}mbit", "burst", str(burst), "latency", f"{max(rtt_ms, 10)}ms"]


class EmulatedLink(Started):
    def __init__(self, network: Network, ports: Sequence[int]) -> None:
        self.network = network
        self.ports = list(ports)
        tag = secrets.token_hex(3)
        self.namespace = f"d2s-bench-{tag}"
        self.host_end, self.client_end = f"d2s{tag}h", f"d2s{tag}c"
        octets = secrets.token_bytes(2)  # a private /30 of 10.0.0.0/8, unlikely to be in use
        self.prefix = f"10.{200 + octets[0] % 50}.{octets[1]}"
        self.host_ip, self.client_ip = f"{self.prefix}.1", f"{self.prefix}.2"
        self.relays: list[subprocess.Popen[bytes]] = []
        self.made = False

    def command(self, argv: Sequence[str]) -> list[str]:
        """`argv` run inside the client's namespace."""
        return ["ip", "netns", "exec", self.namespace, *argv]

    def start(self) -> None:
        reason = unavailable()
        if reason:
            raise RuntimeError(reason)
        ns, network = self.namespace, self.network
        _run("ip", "netns", "add", ns)
        self.made = True
        _run("ip", "link", "add", self.host_end, "type", "veth", "peer", "name", self.client_end)
        _run("ip", "link", "set", self.client_end, "netns", ns)
        _run("ip", "addr", "add", f"{self.host_ip}/30", "dev", self.host_end)
        _run("ip", "link", "set", self.host_end, "up")
        _run("ip", "-n", ns, "addr", "add", f"{self.client_ip}/30", "dev", self.client_end)
        _run("ip", "-n", ns, "link", "set", self.client_end, "up")
        _run("ip", "-n", ns, "link", "set", "lo", "up")
        rtt = network.latency_ms
        _run("tc", "-n", ns, "qdisc", "add", "dev", self.client_end, "root",
             *_tbf(network.up_mbit, rtt))  # fmt: skip
        _run("tc", "qdisc", "add", "dev", self.host_end, "root", *_tbf(network.down_mbit, rtt))
        half = f"{rtt / 2:g}"
        self._relay(
            [f"{self.host_ip}:{p}=127.0.0.1:{p}" for p in self.ports],
            ["--delay-in-ms", half, "--handshake-ms", f"{rtt:g}"],
        )
        self._relay(
            [f"127.0.0.1:{p}={self.host_ip}:{p}" for p in self.ports],
            ["--delay-out-ms", half],
            inside=True,
        )

    def _relay(self, routes: list[str], options: list[str], inside: bool = False) -> None:
        argv = [sys.executable, "-m", "devtools.delayrelay", *options]
        for route in routes:
            argv += ["--route", route]
        process = subprocess.Popen(
            self.command(argv) if inside else argv,
            cwd=WEB,
            stdout=subprocess.PIPE,
            start_new_session=True,
        )
        self.relays.append(process)
        assert process.stdout is not None
        if process.stdout.readline().strip() != b"ready":
            raise RuntimeError(f"the delay relay did not start ({' '.join(argv)})")

    def stop(self) -> None:
        for process in self.relays:
            stop_group(process, timeout=5)
            if process.stdout is not None:
                process.stdout.close()
        self.relays = []
        if self.made:
            # The namespace takes its end of the veth pair, and the pair its qdiscs, with it.
            subprocess.run(["ip", "netns", "del", self.namespace], capture_output=True, check=False)
            subprocess.run(["ip", "link", "del", self.host_end], capture_output=True, check=False)
            self.made = False
