"""The typer command-line interface: thin; parses, calls, renders, maps errors to exit codes."""

from mutual_detector.cli.app import app, main

__all__ = ["app", "main"]
