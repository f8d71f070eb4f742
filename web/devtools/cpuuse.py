"""Where the machine's CPU went while the bench measured one thing, for `devtools.bench`.

This process and its descendants, by kind (Chromium, SeaweedFS, the app's gunicorn, the bench's
own client, other helpers), and the rest of the machine ("others": other sessions, the kernel's
work for nobody in particular). A thread samples the process tree every `interval` seconds, so
processes started during the window (Chromium starts a renderer per page) count from their
start, and those that end in it keep what they used up to their last sample.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager

import psutil

from devtools.lifecycle import Started

KINDS = ("chromium", "s3", "app", "client", "tools", "others")
KIND_TITLES = {
    "chromium": "Chromium",
    "s3": "SeaweedFS",
    "app": "app (gunicorn)",
    "client": "bench client",
    "tools": "other tools",
    "others": "others",
}


# What the bench passes around: a measurement's context manager, yielding its `CpuUse`.
Measuring = Callable[[], AbstractContextManager["CpuUse"]]


def kind_of(process: psutil.Process, me: int) -> str:
    if process.pid == me:
        return "client"  # raw boto3, the CLI's library and Playwright's own side run here
    with contextlib.suppress(psutil.Error):
        name = process.name()
        if "chrom" in name:
            return "chromium"
        if name == "weed":
            return "s3"
        if any("gunicorn" in part for part in process.cmdline()[:3]):
            return "app"
    return "tools"  # Playwright's driver, the emulated link's relays and client worker


def machine_busy() -> float:
    t = psutil.cpu_times()
    return t.user + t.nice + t.system + getattr(t, "irq", 0.0) + getattr(t, "softirq", 0.0)


class CpuUse(Started):
    """`with CpuUse() as use: …`, then `use.seconds[kind]` and `use.wall`."""

    def __init__(self, interval: float = 0.2) -> None:
        self.interval = interval
        self.seconds: dict[str, float] = dict.fromkeys(KINDS, 0.0)
        self.wall = 0.0
        self._me = psutil.Process()
        self._first: dict[int, float] = {}
        self._last: dict[int, tuple[str, float]] = {}
        self._busy = machine_busy()
        self._started = time.monotonic()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample_until_stopped, daemon=True)

    def start(self) -> None:
        self._busy = machine_busy()
        self._started = time.monotonic()
        self._sample(first=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.ident is not None:  # started
            self._thread.join()
        self._sample()
        self.wall = time.monotonic() - self._started
        for pid, (process_kind, used) in self._last.items():
            self.seconds[process_kind] += used - self._first.get(pid, 0.0)
        ours = sum(self.seconds.values())
        self.seconds["others"] = max(0.0, machine_busy() - self._busy - ours)

    def _sample_until_stopped(self) -> None:
        while not self._stop.wait(self.interval):
            self._sample()

    def _sample(self, first: bool = False) -> None:
        processes = [self._me]
        with contextlib.suppress(psutil.Error):
            processes += self._me.children(recursive=True)
        for process in processes:
            with contextlib.suppress(psutil.Error):
                used = sum(process.cpu_times()[:2])
                if first:
                    self._first[process.pid] = used
                kind = self._last[process.pid][0] if process.pid in self._last else None
                self._last[process.pid] = (kind or kind_of(process, self._me.pid), used)
