"""Servers and links the bench starts, used as context managers so they never outlive the run."""

from __future__ import annotations

from abc import ABC, abstractmethod
from types import TracebackType
from typing import Self


class Started(ABC):
    """Started on entering a `with` block and stopped on leaving it, however it is left.

    A start that fails half-way (an error, Ctrl-C, or SIGTERM turned into KeyboardInterrupt as
    `devtools.bench` does) stops what it had started, so `stop()` must cope with any partial start.
    """

    @abstractmethod
    def start(self) -> None: ...

    @abstractmethod
    def stop(self) -> None: ...

    def __enter__(self) -> Self:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
