"""An entangled pair held in two memories."""

from __future__ import annotations

from dataclasses import dataclass

from qfab.quantum.base import PairState

__all__ = ["Pair"]


@dataclass(frozen=True)
class Pair:
    """A heralded pair: its state at creation and the time its qubits started waiting.

    Attributes
    ----------
    between
        End nodes (side a, side b).
    state
        State at ``created_ps`` (no memory decoherence applied yet).
    created_ps
        Simulated time (ps) at which both qubits entered memory: the photon emission time.
    """

    between: tuple[str, str]
    state: PairState
    created_ps: int
