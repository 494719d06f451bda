"""Pydantic models of questionnaires, answers and results, and their checks.

Nothing here reads files or talks to a terminal.
"""
