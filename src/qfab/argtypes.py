"""Argument types shared by the command-line parsers."""

from __future__ import annotations

import argparse

__all__ = ["ENGINE_NAMES", "EXECUTOR_NAMES", "non_negative_int", "positive_int"]

#: Names of the engines, for ``--engine`` choices: written out so that building a parser
#: does not import the engines (``sorted(qfab.engines.ENGINES)``; a test keeps them equal).
ENGINE_NAMES = ("analytic", "des", "fast")
#: Names of the sweep executors, for ``--executor`` (``qfab.experiments.executors.EXECUTORS``).
EXECUTOR_NAMES = ("serial", "processes", "dask")


def non_negative_int(text: str) -> int:
    """An integer >= 0 (seeds), or an :class:`argparse.ArgumentTypeError` saying why not."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a non-negative integer, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be a non-negative integer, got {value}")
    return value


def positive_int(text: str) -> int:
    """An integer >= 1 (worker counts)."""
    value = non_negative_int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value
