"""Renderers: each turns a result or report into text (a str); only the CLI writes it."""
