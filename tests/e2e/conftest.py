"""Real-browser tests: Debian's headless Chromium → Django's live server → SeaweedFS.

- Chromium: `/usr/bin/chromium` (Playwright cannot download its own browser here). When it is
  missing the tests fail, never skip.
- Django: pytest-django's `live_server`, bound to 127.0.0.1 (see `pytest_configure`). It runs in
  a thread of this process, so `settings` overrides made by a test apply to it, and it needs
  `transactional_db` (pytest-django requests it for every test that uses `live_server`).
- S3: the session's SeaweedFS (`real_s3`), with CORS opened for the live server's origin.
- Playwright and the browser live for this package only (pytest-playwright keeps them for the
  whole session): its sync API leaves an asyncio loop marked as running in the main thread,
  which would break later tests that call `asyncio.run` or the ORM.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    BrowserType,
    Page,
    Playwright,
    sync_playwright,
)

from devtools.benchbrowser import CHROMIUM, CHROMIUM_ARGS
from tests.conftest import bucket_name, one_request_at_a_time
from tests.e2e.helpers import App, log_in

# Playwright's sync API runs an event loop in this thread; Django's ORM refuses to be called
# from a thread with a running loop unless told it is fine (it is: the calls are synchronous).
ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"
LIVE_SERVER_ADDRESS = "127.0.0.1"
SCREENSHOTS = Path(__file__).resolve().parents[2] / ".artifacts" / "screenshots"


def pytest_configure(config: pytest.Config) -> None:
    """Bind the live server to 127.0.0.1 unless `--liveserver` says otherwise.

    Not an environment variable: tests/settings.py deletes every DJANGO_* variable.
    """
    if not config.getoption("liveserver", default=None):
        config.option.liveserver = LIVE_SERVER_ADDRESS


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(
            f"The browser tests need Debian's Chromium at {CHROMIUM}, which is missing: "
            "run `make test` as root or apt-get install chromium",
            pytrace=False,
        )
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "headless": True,
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def base_url(live_server: Any) -> str:
    """The live server, for relative URLs in `page.goto`.

    Also replaces pytest-playwright's own `base_url` fixture, an instance method of a plugin
    class that pytest 9 deprecates (PytestRemovedIn10Warning, an error under our filterwarnings).
    """
    return live_server.url


@pytest.fixture(scope="package", autouse=True)
def _django_orm_beside_playwright() -> Iterator[None]:
    """DJANGO_ALLOW_ASYNC_UNSAFE=true while these tests run, as it was before after them.

    Set here rather than at import: tests/settings.py deletes DJANGO_* variables, and the
    setting must not leak into the rest of the session.
    """
    previous = os.environ.get(ASYNC_UNSAFE)
    os.environ[ASYNC_UNSAFE] = "true"
    yield
    if previous is None:
        os.environ.pop(ASYNC_UNSAFE, None)
    else:
        os.environ[ASYNC_UNSAFE] = previous


# --- pytest-playwright's session fixtures, scoped to this package ------------------------------


@pytest.fixture(scope="package")
def playwright(_pw_api_request_contexts: Any) -> Iterator[Playwright]:
    pw = sync_playwright().start()
    if _pw_api_request_contexts:  # --tracing
        _pw_api_request_contexts.instrument(pw)
    yield pw
    pw.stop()


@pytest.fixture(scope="package")
def browser_type(playwright: Playwright, browser_name: str) -> BrowserType:
    return getattr(playwright, browser_name)


@pytest.fixture(scope="package")
def launch_browser(
    browser_type_launch_args: dict[str, Any], browser_type: BrowserType
) -> Callable[..., Browser]:
    def launch(**kwargs: Any) -> Browser:
        return browser_type.launch(**{**browser_type_launch_args, **kwargs})

    return launch


@pytest.fixture(scope="package")
def browser(launch_browser: Callable[..., Browser]) -> Iterator[Browser]:
    browser = launch_browser()
    yield browser
    browser.close()


@pytest.fixture(scope="package")
def browser_context_args(
    pytestconfig: pytest.Config,
    playwright: Playwright,
    device: str | None,
    base_url: str,
    _pw_artifacts_folder: Any,
) -> dict[str, Any]:
    """pytest-playwright's own (--device, --video), a fixed viewport, the live server's URL."""
    args: dict[str, Any] = dict(playwright.devices[device]) if device else {}
    if pytestconfig.getoption("--video") in ("on", "retain-on-failure"):
        args["record_video_dir"] = _pw_artifacts_folder.name
    return {**args, "base_url": base_url, "viewport": {"width": 1100, "height": 900}}


@pytest.fixture(scope="session")
def _one_request_at_a_time(live_server: Any) -> Iterator[None]:
    """For the whole session: the browser sends several requests at once."""
    with one_request_at_a_time(live_server):
        yield


@pytest.fixture
def app(
    live_server: Any, _one_request_at_a_time: None, real_s3: Any, settings: Any, seaweedfs: Any
) -> App:
    """The live server, pointed at SeaweedFS, whose bucket accepts browser uploads from it."""
    from direct_to_s3 import s3

    s3.put_cors([live_server.url])
    return App(
        url=live_server.url,
        s3_endpoint=seaweedfs.endpoint_url,
        bucket=bucket_name(),
        s3=real_s3,
    )


@pytest.fixture
def alice_page(page: Page, app: App, user: Any) -> Page:
    """A page logged in as alice through the real login form, on the upload page."""
    log_in(page, app, "alice", "alice-password")
    return page


@pytest.fixture
def other_context(
    browser: Browser, browser_context_args: dict[str, Any]
) -> Iterator[BrowserContext]:
    context = browser.new_context(**browser_context_args)
    yield context
    context.close()


@pytest.fixture
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
