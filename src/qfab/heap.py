"""The cyclic garbage collector around large, long-lived structures.

Building a scenario of 100,000 nodes (its spec, network, plan and runtime) makes millions of
objects that all stay alive; CPython's collector would scan every one of them again and
again while they are made (about half of the set-up time of a long chain). Set-up runs with
the collector paused (:func:`collector_paused`), and a simulation keeps what was built out of
the collector's passes (:func:`built_objects_frozen`): both only change when the collector
runs, never what is collected in the end, and both restore the collector's state.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import ParamSpec, TypeVar

__all__ = ["collector_paused", "built_objects_frozen", "paused_collection"]

_P = ParamSpec("_P")
_T = TypeVar("_T")


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector inside the block (nested blocks are fine).

    Reference counting still frees what becomes unreachable; cycles made inside the block
    are collected once the collector runs again.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def paused_collection(function: Callable[_P, _T]) -> Callable[_P, _T]:
    """Decorator: run ``function`` with the collector paused (:func:`collector_paused`)."""
    @wraps(function)
    def paused(*args: _P.args, **kwargs: _P.kwargs) -> _T:
        with collector_paused():
            return function(*args, **kwargs)
    return paused


@contextmanager
def built_objects_frozen() -> Iterator[None]:
    """Keep every object that exists when the block starts out of the collector's passes
    until it ends (:func:`gc.freeze`), so that a simulation's collections scan what the
    simulation makes, not the scenario it runs on.

    Does nothing if objects are frozen already (a caller froze them for its own reasons:
    they are left as they are).
    """
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
