"""An entangled pair held in two memory slots, as the event simulation tracks it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from qfab.quantum.base import PairState
from qfab.sim.event import ScheduledEvent
from qfab.sim.time import ps_to_seconds

if TYPE_CHECKING:
    from qfab.hardware.qnode import Slot

__all__ = ["Charge", "Charges", "Pair"]

#: ``(link, channel, request)``: a link pair whose generation was charged to a request.
Charge = tuple[int, int, int]


class Charges:
    """The charged link pairs a pair is made of, as a tree that joins in constant time.

    A swap joins the charges of its two input pairs; they are only read back (in
    :meth:`__iter__`) when a pair is lost and its links owe their pairs again, which is
    rare. Joining tuples instead would copy every charge at every swap, a cost quadratic in
    the chain length.
    """

    __slots__ = ("_charge", "_parts")

    def __init__(self, charge: Charge | None = None,
                 parts: tuple[Charges, Charges] | None = None) -> None:
        self._charge = charge
        self._parts = parts

    @staticmethod
    def join(a: Charges | None, b: Charges | None) -> Charges | None:
        """The charges of ``a`` and of ``b`` (either may be ``None``: no charge)."""
        if a is None:
            return b
        if b is None:
            return a
        return Charges(parts=(a, b))

    def __iter__(self) -> Iterator[Charge]:
        stack: list[Charges] = [self]
        while stack:
            node = stack.pop()
            if node._charge is not None:
                yield node._charge
            if node._parts is not None:
                stack.extend(node._parts)


class Pair:
    """A pair whose two qubits sit in ``ends[0]`` and ``ends[1]``.

    The state is brought up to date lazily: :meth:`state_at` applies the memories'
    decoherence for the time since the last update.

    Attributes
    ----------
    ends
        The two memory slots holding the qubits.
    state
        State at ``updated_ps``.
    created_ps
        Emission time of the oldest link pair it was made of (its age for cutoffs).
    known_ps
        For each end, the time from which that end's node knows the pair (its far end and
        Pauli frame).
    heralded_ps
        Herald time for a fresh link pair (``None`` once it has been swapped or purified).
    link
        Index of the link for a fresh link pair, else ``None``.
    owner
        Request the pair belongs to (``None`` for a fresh link pair any request may use).
    level
        Purification rounds it has been through.
    charged
        ``(link, channel, request)`` for each link pair it is made of whose generation was
        charged to a request (``None``: none); if the pair is lost before it spans the
        request's ends, those links owe the request a pair again in the same channel.
    id
        The pair's number in the event trace (:mod:`qfab.protocols.trace`): pairs are
        numbered 1, 2, ... in the order they are made when a run is traced, and are all 0
        otherwise. A swap or purification makes a new pair (with a new number) from the
        pairs it consumes.
    """

    __slots__ = ("ends", "state", "updated_ps", "created_ps", "known_ps", "heralded_ps",
                 "link", "owner", "level", "alive", "reserved", "cutoff_event", "charged", "id")

    def __init__(self, ends: tuple[Slot, Slot], state: PairState, updated_ps: int,
                 created_ps: int, known_ps: tuple[int, int], *, heralded_ps: int | None = None,
                 link: int | None = None, owner: int | None = None, level: int = 0,
                 charged: Charges | None = None) -> None:
        self.ends = ends
        self.state = state
        self.updated_ps = updated_ps
        self.created_ps = created_ps
        self.known_ps = known_ps
        self.heralded_ps = heralded_ps
        self.link = link
        self.owner = owner
        self.level = level
        self.alive = True
        self.reserved = False
        self.cutoff_event: ScheduledEvent | None = None
        self.charged = charged
        self.id = 0

    def state_at(self, now_ps: int) -> PairState:
        """Bring the state up to ``now_ps`` (decoherence in both memories) and return it."""
        elapsed = now_ps - self.updated_ps
        if elapsed > 0:
            a, b = self.ends[0].node, self.ends[1].node
            if a.decoheres or b.decoheres:
                dt = ps_to_seconds(elapsed)
                self.state = self.state.stored(dt, dt, a.memory, b.memory)
            self.updated_ps = now_ps
        return self.state
