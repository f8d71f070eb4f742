"""axe-core, the accessibility auditor, run on pages of the live site.

axe-core comes from npm at a pinned version: `npm pack` fetches its tarball into `.artifacts/npm/`
the first time, and every run checks the tarball against the pinned sha512 (npm's
`dist.integrity`) before reading `package/axe.min.js` from it. To move to another version, take
both values from `npm view axe-core@<version> dist.integrity`.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from playwright.sync_api import Page

AXE_VERSION = "4.14.1"
AXE_INTEGRITY = "sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ=="  # noqa: E501 (as npm prints it)
CACHE = Path(__file__).resolve().parents[2] / ".artifacts" / "npm"
TARBALL = CACHE / f"axe-core-{AXE_VERSION}.tgz"

# What the site promises: WCAG 2.0, 2.1 and 2.2 at levels A and AA, and axe's best practices.
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice"]


def integrity(path: Path) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(path.read_bytes()).digest()).decode()


def fetch_tarball() -> Path:
    """The pinned tarball, from the cache or else from npm; refused if its hash differs."""
    if not TARBALL.is_file():
        npm = shutil.which("npm")
        if npm is None:
            raise RuntimeError("The accessibility tests fetch axe-core with npm, which is missing")
        CACHE.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=CACHE) as scratch:
            subprocess.run(
                [npm, "pack", f"axe-core@{AXE_VERSION}", "--pack-destination", scratch],
                check=True,
                capture_output=True,
                timeout=120,
            )
            # Renamed into place whole, so an interrupted fetch leaves nothing to trust.
            (Path(scratch) / TARBALL.name).replace(TARBALL)
    found = integrity(TARBALL)
    if found != AXE_INTEGRITY:
        raise RuntimeError(
            f"{TARBALL} is not axe-core {AXE_VERSION} as published: its integrity is {found}, "
            f"expected {AXE_INTEGRITY}. Delete it to fetch it again."
        )
    return TARBALL


@functools.cache
def axe_source() -> str:
    with tarfile.open(fetch_tarball()) as archive:
        member = archive.extractfile("package/axe.min.js")
        assert member is not None
        return member.read().decode()


def audit(page: Page, context: str | None = None) -> list[dict[str, Any]]:
    """axe's violations on the page as it is now (or within the `context` selector).

    The source goes in through `page.evaluate`, which Chromium runs outside the page's
    Content-Security-Policy (the site forbids inline scripts), so the page is audited with its
    real policy in force rather than in a context that bypasses it.
    """
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    options = {"runOnly": {"type": "tag", "values": TAGS}, "resultTypes": ["violations"]}
    results: dict[str, Any] = page.evaluate(
        "([context, options]) => axe.run(context ?? document, options)", [context, options]
    )
    return list(results["violations"])


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"]:
            lines.append(f"  - {json.dumps(node['target'])}")
            lines.extend(f"      {line}" for line in node["failureSummary"].splitlines())
    return "\n".join(lines)


def assert_accessible(page: Page, context: str | None = None) -> None:
    """Fail, listing each rule, element and reason, if axe finds any violation."""
    violations = audit(page, context)
    count = sum(len(violation["nodes"]) for violation in violations)
    assert not violations, f"axe-core {AXE_VERSION}: {count} violation(s)\n{describe(violations)}"
