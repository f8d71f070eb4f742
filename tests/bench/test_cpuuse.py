"""Where the CPU went during a measurement: this process's tree by kind, and the rest."""

from __future__ import annotations

import subprocess
import sys
import time

import psutil

from devtools.cpuuse import KINDS, CpuUse, kind_of

# Busy for `seconds` of CPU, then idle long enough to be sampled before it ends.
SPIN = """import time
end = time.process_time() + {seconds}
while time.process_time() < end:
    pass
time.sleep(0.5)
"""


def spin(seconds: float) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-c", SPIN.format(seconds=seconds)])


def test_this_process_is_the_client_and_a_helper_process_a_tool() -> None:
    child = spin(0.1)
    try:
        me = psutil.Process()
        assert kind_of(me, me.pid) == "client"
        assert kind_of(psutil.Process(child.pid), me.pid) == "tools"
    finally:
        child.wait()


def test_a_process_started_and_ended_in_the_window_counts_what_it_used() -> None:
    with CpuUse(interval=0.05) as use:
        spin(0.4).wait()

    assert 0.4 <= use.seconds["tools"] < 1.0
    assert use.wall >= 0.5


def test_every_kind_is_reported_and_none_is_negative() -> None:
    with CpuUse(interval=0.05) as use:
        time.sleep(0.1)

    assert set(use.seconds) == set(KINDS)
    assert all(seconds >= 0 for seconds in use.seconds.values())
