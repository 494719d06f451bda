"""Cyclic garbage collection paused while the command-line tool starts.

Starting the tool makes tens of thousands of objects that live until it exits:
modules, typer commands, pydantic model classes, the loaded questionnaire.
Each automatic collection would scan all of them again and free almost
nothing, and at exit the interpreter would scan them once more. So the console
script (:func:`mutual_detector.cli.main`) calls :func:`pause` first and
:func:`at_exit` last: a one-shot command such as ``assess --answers`` runs
without the collector, which makes the terminal report roughly a fifth faster
(``benchmarks/startup.py``).

A command that goes on to loop over many inputs, or to wait for a person,
calls :func:`resume` first: what exists by then is frozen (never scanned again)
and collection starts as usual for everything made afterwards. Nothing here
acts unless :func:`pause` ran, so library users and the test suite keep
Python's default behaviour.
"""

from __future__ import annotations

import gc

_paused = False


def pause() -> None:
    """Stop automatic collection (the console script's first step)."""
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume() -> None:
    """Collect again from now on, after freezing what start-up made; no-op unless paused."""
    global _paused
    if _paused:
        _paused = False
        gc.freeze()
        gc.enable()


def at_exit() -> None:
    """The process is ending: freeze everything so that shutdown does not scan it again."""
    gc.freeze()
