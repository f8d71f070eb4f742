"""The reusable app stands alone: it imports nothing from the site, devtools, the CLI or tests."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "direct_to_s3"
# Top-level names of this repository's other packages.
FORBIDDEN = {"config", "devtools", "upload_client", "demo", "tests", "web"}


def imported_roots(source: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(source.read_text(), filename=str(source))):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def strings_naming_modules(source: Path) -> set[str]:
    """Dotted paths in strings (settings, import_string): `"config.urls"` counts too."""
    names = set()
    for node in ast.walk(ast.parse(source.read_text(), filename=str(source))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            head = node.value.split(".")[0]
            if "." in node.value and " " not in node.value and head in FORBIDDEN:
                names.add(node.value)
    return names


MODULES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("module", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_the_app_imports_nothing_from_the_rest_of_the_repository(module: Path) -> None:
    assert imported_roots(module) & FORBIDDEN == set()
    assert strings_naming_modules(module) == set()


def test_the_check_sees_the_whole_package() -> None:
    assert len(MODULES) > 20
    assert PACKAGE / "models.py" in MODULES
