"""Why a run stalled: which request waits for which memory, and who holds it.

The event simulation stalls when no event is pending while requests are still outstanding:
nothing can change any pair or slot any more, so no request can receive another pair. The
engine notices this once, when its run reaches its end with an empty queue (no check per
event); this module then reads the memories along each outstanding request's path and
names what it waits for.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from qfab.hardware.pair import Pair
from qfab.hardware.qnode import QuantumNode
from qfab.protocols.requests import RequestApp

__all__ = ["stall_reasons"]


def stall_reasons(apps: Sequence[RequestApp], nodes: Mapping[str, QuantumNode],
                  waiting: Mapping[int, frozenset[int]] | None = None) -> list[str]:
    """One sentence per outstanding request of a stalled run, in request order.

    Parameters
    ----------
    apps
        The requests, by index.
    nodes
        The network's nodes, by name, as the run left them.
    waiting
        Requests waiting for their turn on links they share, each with the requests it
        waits for (:meth:`qfab.protocols.turns.PathTurns.waiting`).

    Returns
    -------
    list of str
        E.g. ``"requests[0] waits for a qubit at n2 held by requests[1]"``; a request whose
        own pairs fill the memory it needs is told so (``"... at n1 (towards n2) held by its
        own pairs, which no rule can use"``).
    """
    reasons = []
    for app in apps:
        if app.done:
            continue
        behind = (waiting or {}).get(app.index)
        if behind:
            reasons.append(f"requests[{app.index}] waits for its turn on links held by "
                           + " and ".join(f"requests[{other}]" for other in sorted(behind)))
        else:
            reasons.append(_reason(app, nodes))
    return reasons


def _reason(app: RequestApp, nodes: Mapping[str, QuantumNode]) -> str:
    name = f"requests[{app.index}]"
    if not app.active:
        return f"{name} is not active"
    path = app.plan.path
    others: dict[str, set[int]] = {}
    own: list[str] = []
    for position, node_name in enumerate(path):
        node = nodes[node_name]
        for neighbour in (path[position - 1] if position else None,
                          path[position + 1] if position + 1 < len(path) else None):
            if neighbour is None:
                continue
            slots = node.slots[neighbour]
            holders = [_holder(slot.pair) for slot in slots]
            if any(slot.free for slot in slots):
                continue
            foreign = {holder for holder in holders if holder not in (None, app.index)}
            if foreign:
                others.setdefault(node_name, set()).update(foreign)
            elif holders and all(holder == app.index for holder in holders):
                own.append(f"{node_name} (towards {neighbour})")
    if others:
        return f"{name} waits for " + "; ".join(
            f"a qubit at {node_name} held by "
            + " and ".join(f"requests[{holder}]" for holder in sorted(holders))
            for node_name, holders in others.items())
    if own:
        return (f"{name} waits for a qubit at {', '.join(own)} held by its own pairs, "
                "which no rule can use")
    return f"{name} waits with no pending event that could bring it a pair"


def _holder(pair: Pair | None) -> int | None:
    """The request a pair belongs to or was made for (``None``: a free or fresh pair)."""
    if pair is None:
        return None
    if pair.owner is not None:
        return pair.owner
    for _, _, request in pair.charged or ():
        return request
    return None
