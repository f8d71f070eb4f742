"""Stock Uppy from npm, bundled the way a site would bundle it: for the browser tests and the
bench's Uppy rows.

The packages are pinned in `web/devtools/uppy/package.json` and `package-lock.json` (npm's
sha512 of every tarball): `npm ci` installs exactly those into `.artifacts/npm/uppy-<lock
hash>/` the first time, refusing any tarball whose hash differs, and esbuild (pinned there too)
bundles the README's "Using Uppy" code. Install scripts are not run; esbuild's binary comes
from its pinned platform package. To move to other versions: edit package.json, then
`npm install --package-lock-only --ignore-scripts` in that folder.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PINNED = Path(__file__).resolve().parent / "uppy"
LOCK = PINNED / "package-lock.json"
CACHE = ROOT / ".artifacts" / "npm"
README = ROOT / "README.md"
# What the README's bundling line says to keep out of the bundle: the app's static files.
EXTERNAL = "/static/*"


def installed() -> Path:
    """The pinned packages' node_modules, installed by `npm ci` unless already there."""
    target = CACHE / f"uppy-{hashlib.sha256(LOCK.read_bytes()).hexdigest()[:16]}"
    if not (target / "node_modules" / ".package-lock.json").is_file():
        npm = shutil.which("npm")
        if npm is None:
            raise RuntimeError("Uppy is fetched with npm, which is missing")
        CACHE.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=CACHE) as scratch:
            work = Path(scratch) / "uppy"
            work.mkdir()
            for name in ("package.json", "package-lock.json"):
                shutil.copy(PINNED / name, work / name)
            subprocess.run(
                [npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"],
                cwd=work,
                check=True,
                capture_output=True,
                timeout=300,
            )
            shutil.rmtree(target, ignore_errors=True)
            # Moved into place whole, so an interrupted install leaves nothing to trust.
            work.replace(target)
    return target


def readme_uppy_blocks() -> list[str]:
    """The JavaScript blocks of the README's "Using Uppy" section, as a site writes them."""
    section = README.read_text().split("\n## Using Uppy\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```js\n(.*?)```", section, re.DOTALL)
    assert blocks, "README: no ```js block under ## Using Uppy"
    return blocks


def readme_uppy_code() -> str:
    """The README's Uppy setup: the first JavaScript block of "Using Uppy"."""
    return readme_uppy_blocks()[0]


def readme_golden_retriever_code() -> str:
    """The README's lines that add Golden Retriever to that setup."""
    [block] = [code for code in readme_uppy_blocks() if "@uppy/golden-retriever" in code]
    return block


def bundle(harness: str) -> str:
    """The README's code with `harness` (the caller's own lines) after it, bundled as one
    module."""
    packages = installed()
    with tempfile.TemporaryDirectory(dir=packages) as scratch:
        entry = Path(scratch) / "uploads.js"
        entry.write_text(readme_uppy_code() + "\n" + harness)
        out = Path(scratch) / "bundle.js"
        subprocess.run(
            [
                str(packages / "node_modules" / "@esbuild" / "linux-x64" / "bin" / "esbuild"),
                str(entry),
                "--bundle",
                "--format=esm",
                "--target=es2022",
                f"--external:{EXTERNAL}",
                f"--outfile={out}",
                "--log-level=error",
            ],
            cwd=packages,
            check=True,
            capture_output=True,
            timeout=120,
        )
        return out.read_text()
