"""Object keys and filename sanitising."""

from __future__ import annotations

import re
import unicodedata
import uuid

from direct_to_s3 import visibility as visibilities

# Where browsers POST small files. Complete copies the checked object from here to its served
# key, which is never signed for a browser, so a reused ticket cannot change what is served.
INCOMING_PREFIX = "incoming/"
MAX_NAME_LENGTH = 120
FALLBACK_NAME = "file"

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_NOT_ALPHANUMERIC = re.compile(r"[^A-Za-z0-9]+")
_REPEATED_SEPARATORS = re.compile(r"([._-])[._-]+")


def display_name(filename: str) -> str:
    """The user's name for the file, kept for display: normalised, no path, no control chars.

    Format characters (category Cf) include the right-to-left override, which can make
    `invoice\u202egpj.exe` read as `invoiceexe.jpg`.
    """
    name = unicodedata.normalize("NFC", filename)
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(c for c in name if unicodedata.category(c) not in {"Cc", "Cf", "Zl", "Zp"})
    return _truncate(name.strip(), 255)


def _truncate(name: str, limit: int) -> str:
    """Shorten a long name's stem so that its extension survives."""
    if len(name) <= limit:
        return name
    stem, dot, extension = name.rpartition(".")
    if not dot or len(extension) > 16:
        return name[:limit]
    return f"{stem[: limit - len(extension) - 1]}.{extension}"


def safe_filename(filename: str) -> str:
    """A short ASCII name that is safe in a key, in a URL and on any file system."""
    name = display_name(filename)
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    stem, dot, extension = ascii_name.rpartition(".")
    if not dot:
        stem, extension = ascii_name, ""
    extension = _NOT_ALPHANUMERIC.sub("", extension)[:16].lower()
    stem = _clean(stem)[: MAX_NAME_LENGTH - len(extension) - 1].strip("._-") or FALLBACK_NAME
    return f"{stem}.{extension}" if extension else stem


def _clean(text: str) -> str:
    return _REPEATED_SEPARATORS.sub(r"\1", _UNSAFE.sub("-", text)).strip("._-")


def object_key(
    *, visibility: str, upload_id: uuid.UUID, filename: str, key_prefix: str = ""
) -> str:
    """`<prefix><key_prefix><uuid>/<name>`: `media/…` for public files, `private/…` for
    private ones by default (see visibility.py); `key_prefix` is a form field's folder
    (`covers/`, see rules.py)."""
    return f"{visibilities.prefix(visibility)}{key_prefix}{upload_id}/{safe_filename(filename)}"


def incoming_key(key: str) -> str:
    """The private key a browser POSTs to before complete promotes it to `key`."""
    return f"{INCOMING_PREFIX}{key}"


def served_key(incoming: str) -> str:
    """The served key an incoming key is promoted to (inverse of `incoming_key`)."""
    return incoming.removeprefix(INCOMING_PREFIX)
