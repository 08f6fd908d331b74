"""The stall report reads the memories along each waiting request's path."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from qfab.protocols.stall import stall_reasons


def _slot(pair: Any = None, blocked: bool = False) -> SimpleNamespace:
    return SimpleNamespace(pair=pair, blocked=blocked,
                           free=pair is None and not blocked)


def _pair(owner: int | None = None, charged: int | None = None) -> SimpleNamespace:
    return SimpleNamespace(owner=owner,
                           charged=None if charged is None else [(0, 0, charged)])


def _app(index: int, path: list[str], *, done: bool = False,
         active: bool = True) -> SimpleNamespace:
    return SimpleNamespace(index=index, done=done, active=active,
                           plan=SimpleNamespace(path=path))


def test_crossing_requests_wait_for_each_other() -> None:
    """n2 holds, towards n1, a pair swapped for request 1 and, towards n3, a link pair
    charged to request 0: request 0 (n1 ... n4) and request 1 (n3 ... n0) each wait for the
    qubit the other holds."""
    nodes = {
        "n1": SimpleNamespace(slots={"n0": [_slot()], "n2": [_slot()]}),
        "n2": SimpleNamespace(slots={"n1": [_slot(_pair(owner=1))],
                                     "n3": [_slot(_pair(charged=0))]}),
        "n3": SimpleNamespace(slots={"n2": [_slot()], "n4": [_slot()]}),
        "n0": SimpleNamespace(slots={"n1": [_slot()]}),
        "n4": SimpleNamespace(slots={"n3": [_slot()]}),
    }
    apps = [_app(0, ["n1", "n2", "n3", "n4"]), _app(1, ["n3", "n2", "n1", "n0"])]
    assert stall_reasons(apps, nodes) == [  # type: ignore[arg-type]
        "requests[0] waits for a qubit at n2 held by requests[1]",
        "requests[1] waits for a qubit at n2 held by requests[0]"]


def test_done_requests_are_left_out_and_own_pairs_named() -> None:
    nodes = {
        "a": SimpleNamespace(slots={"b": [_slot(_pair(owner=0)), _slot(_pair(charged=0))]}),
        "b": SimpleNamespace(slots={"a": [_slot(_pair(owner=0)), _slot(_pair(charged=0))]}),
    }
    apps = [_app(0, ["a", "b"]), _app(1, ["a", "b"], done=True), _app(2, ["a", "b"],
                                                                       active=False)]
    assert stall_reasons(apps, nodes) == [  # type: ignore[arg-type]
        "requests[0] waits for a qubit at a (towards b), b (towards a) held by its own "
        "pairs, which no rule can use",
        "requests[2] is not active"]


def test_free_memory_means_no_pending_event_could_help() -> None:
    nodes = {"a": SimpleNamespace(slots={"b": [_slot()]}),
             "b": SimpleNamespace(slots={"a": [_slot(_pair(owner=1)), _slot()]})}
    assert stall_reasons([_app(0, ["a", "b"])], nodes) == [  # type: ignore[arg-type]
        "requests[0] waits with no pending event that could bring it a pair"]



def test_a_request_waiting_for_its_turn_names_who_holds_its_links() -> None:
    """A request waiting for links it shares is told whose turn it waits for (its own
    memories are empty: the report would otherwise blame nobody)."""
    apps = [_app(0, ["n0", "n1"], done=True), _app(1, ["n1", "n0"]), _app(2, ["n0", "n1"])]
    waits = stall_reasons(apps, {}, {1: frozenset({0}), 2: frozenset({1, 0})})
    assert waits == ["requests[1] waits for its turn on links held by requests[0]",
                     "requests[2] waits for its turn on links held by requests[0] and "
                     "requests[1]"]
