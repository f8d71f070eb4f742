"""The three ways up under emulated networks, for `devtools.bench`: raw boto3, the CLI, the page.

For each network, one emulated link (`devtools.netlink`: a namespace behind a rate-limited veth
pair and delaying relays); inside it the CLI and raw boto3 (`devtools.netclient`) and, unless
told otherwise, Chromium with the upload page (`devtools.benchbrowser`). All three cross the same
link to the same servers, taking turns going first; each upload's throughput is then a share of
the link's uplink.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack
from typing import Any

from devtools import benchbrowser
from devtools.benchreport import BrowserRun, Network
from devtools.netclient import NetClient
from devtools.netlink import EmulatedLink
from devtools.stack import Stack
from upload_client.client import LocalFile

Log = Callable[[str], None]


def measure(
    *,
    stack: Stack,
    files: dict[Network, dict[int, LocalFile]],
    paths: tuple[str, ...],
    repeat: int,
    threshold: int,
    parallel: int,
    check_and_delete: Callable[[str, int], None],
    measuring: Callable[[], AbstractContextManager[None]],
    users: dict[str, str],
    password: str,
    log: Log,
) -> list[BrowserRun]:
    """`files[network]` up each of `paths` behind each network, `repeat` interleaved rounds.

    `users`: the account each path logs in with ("direct", "browser"). In a thread of its own,
    as Playwright wants (see `devtools.benchbrowser`).
    """
    return benchbrowser.in_thread(
        _measure,
        stack=stack,
        files=files,
        paths=paths,
        repeat=repeat,
        threshold=threshold,
        parallel=parallel,
        check_and_delete=check_and_delete,
        measuring=measuring,
        users=users,
        password=password,
        log=log,
    )


def _measure(
    *,
    stack: Stack,
    files: dict[Network, dict[int, LocalFile]],
    repeat: int,
    log: Log,
    **options: Any,
) -> list[BrowserRun]:
    runs: list[BrowserRun] = []
    for network, sized in files.items():
        with ExitStack() as resources:
            send = _sender(resources, stack, network, sized, **options)
            for round_ in range(repeat):
                for index, size in enumerate(sorted(sized)):
                    for path in _turn(options["paths"], round_ + index):
                        run = send(path, sized[size])
                        run.round = round_
                        runs.append(run)
                        log(benchbrowser.line(run, repeat, network))
    return runs


def _sender(
    resources: ExitStack,
    stack: Stack,
    network: Network,
    sized: dict[int, LocalFile],
    *,
    paths: tuple[str, ...],
    threshold: int,
    parallel: int,
    check_and_delete: Callable[[str, int], None],
    measuring: Callable[[], AbstractContextManager[None]],
    users: dict[str, str],
    password: str,
) -> Callable[[str, LocalFile], BrowserRun]:
    """The link, the CLI's worker and the page behind it (closed with `resources`), and a
    function sending one file one way."""
    assert stack.s3 is not None
    link = resources.enter_context(EmulatedLink(network, [stack.port, stack.s3.ports["s3"]]))
    cli = resources.enter_context(
        NetClient(
            link,
            stack,
            username=users["direct"],
            password=password,
            threshold=threshold,
            parallel=parallel,
        )
    )
    page = None
    if "browser" in paths:
        browser = resources.enter_context(benchbrowser.chromium(link.command([])))
        warm = benchbrowser.tiny_file(sized[min(sized)])
        page = resources.enter_context(
            benchbrowser.logged_in(
                browser, stack.base_url, users["browser"], password, warm, check_and_delete
            )
        )

    def send(path: str, file: LocalFile) -> BrowserRun:
        with measuring():
            if page is not None and path == "browser":
                run = page.upload(file, network)
            else:
                seconds, key = cli.upload(path, file)
                run = BrowserRun(0, path, file.size, seconds, network.name, key=key)
        check_and_delete(run.key, file.size)
        return run

    return send


def _turn(paths: tuple[str, ...], shift: int) -> Iterator[str]:
    """Each path goes first in turn."""
    shift %= len(paths)
    yield from paths[shift:] + paths[:shift]
