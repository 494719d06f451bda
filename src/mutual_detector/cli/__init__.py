"""The typer command-line interface: thin; parses, calls, renders, maps errors to exit codes.

``main`` is the console script. The typer app itself (``app``) lives in
:mod:`mutual_detector.cli.root` and is imported on first use, after ``main`` has
paused the garbage collector for start-up (see :mod:`mutual_detector.gcpause`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mutual_detector.cli.root import app

__all__ = ["app", "main"]


def main() -> None:
    """Run the ``mutual-detector`` command line (the console script's entry point)."""
    from mutual_detector import gcpause

    gcpause.pause()
    try:
        from mutual_detector.cli.root import main as run

        run()
    finally:
        gcpause.at_exit()


def __getattr__(name: str) -> Any:
    if name == "app":
        from mutual_detector.cli.root import app

        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
