"""The ways up under emulated networks, for `devtools.bench`: raw boto3, the CLI, the page, Uppy.

For each network, one emulated link (`devtools.netlink`: a namespace behind a rate-limited veth
pair and delaying relays); inside it the CLI and raw boto3 (`devtools.netclient`) and, unless
told otherwise, Chromium with the upload page and with stock Uppy (`devtools.benchbrowser`).
All cross the same link to the same servers, taking turns going first; each upload's
throughput is then a share of the link's uplink.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack

from devtools import benchbrowser
from devtools.benchreport import PAGE_PATHS, BrowserRun, Network
from devtools.cpuuse import Measuring
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
    measuring: Measuring,
    users: dict[str, str],
    password: str,
    log: Log,
) -> list[BrowserRun]:
    """`files[network]` up each of `paths` behind each network, `repeat` interleaved rounds.

    `users`: the account each path logs in with ("direct", "browser"). The link and the CLI's
    worker belong to this thread, so that an interrupt here removes them at once (the uploads in
    flight then fail); the rounds run in a thread of their own, as Playwright wants (see
    `devtools.benchbrowser`).
    """
    assert stack.s3 is not None
    runs: list[BrowserRun] = []
    for network, sized in files.items():
        with (
            EmulatedLink(network, [stack.port, stack.s3.ports["s3"]]) as link,
            NetClient(
                link,
                stack,
                username=users["direct"],
                password=password,
                threshold=threshold,
                parallel=parallel,
            ) as cli,
        ):
            runs += benchbrowser.in_thread(
                _rounds,
                link=link,
                cli=cli,
                base_url=stack.base_url,
                sized=sized,
                paths=paths,
                repeat=repeat,
                check_and_delete=check_and_delete,
                measuring=measuring,
                user=users["browser"],
                password=password,
                log=log,
            )
    return runs


def _rounds(
    *,
    link: EmulatedLink,
    cli: NetClient,
    base_url: str,
    sized: dict[int, LocalFile],
    paths: tuple[str, ...],
    repeat: int,
    check_and_delete: Callable[[str, int], None],
    measuring: Measuring,
    user: str,
    password: str,
    log: Log,
) -> list[BrowserRun]:
    network = link.network
    runs: list[BrowserRun] = []
    with ExitStack() as resources:
        in_chromium = [path for path in paths if path in PAGE_PATHS]
        uploaders: dict[str, benchbrowser.BrowserUploader] = {}
        if in_chromium:
            browser = resources.enter_context(benchbrowser.chromium(link.command([])))
            warm = benchbrowser.tiny_file(sized[min(sized)])
            uploaders = resources.enter_context(
                benchbrowser.logged_in(
                    browser, base_url, user, password, warm, check_and_delete, in_chromium
                )
            )
        for round_ in range(repeat):
            for index, size in enumerate(sorted(sized)):
                for path in benchbrowser.turns(paths, round_ + index):
                    file = sized[size]
                    with measuring() as use:
                        if path in uploaders:
                            run = uploaders[path].upload(file, network)
                        else:
                            seconds, key = cli.upload(path, file)
                            run = BrowserRun(round_, path, size, seconds, network.name, key=key)
                    run.cpu = run.cpu or use.seconds  # the page's own: from the pick to Done
                    check_and_delete(run.key, size)
                    run.round = round_
                    runs.append(run)
                    log(benchbrowser.line(run, repeat, network))
    return runs
