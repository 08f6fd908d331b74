"""Recurrence purification schemes, registered once by name.

Every engine and the orchestrator look a scheme up here: the planner to estimate rounds,
the event simulation to purify two pairs, the fast engine on batches of pairs. A scheme
has a checked form (NumPy, validates its inputs) and an unchecked array form for any
array namespace; both compute through the same functions of
:mod:`qfab.physics.bell_diagonal`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from numpy.typing import ArrayLike

from qfab.physics import bell_diagonal
from qfab.physics._checks import FloatArray

__all__ = ["SCHEMES", "PurificationScheme", "scheme"]


@dataclass(frozen=True)
class PurificationScheme:
    """One recurrence round of a purification scheme on Bell-diagonal pairs.

    Attributes
    ----------
    name
        The scheme's name in a scenario (``policy.purification``).
    checked
        ``(kept, sacrificed=None) -> (kept pair on success, p_success)`` on NumPy inputs,
        validated (e.g. :func:`qfab.physics.bell_diagonal.bbpssw`).
    step
        The same round unchecked, on arrays of any namespace:
        ``(kept, sacrificed) -> (kept pair on success, p_success)``.
    """

    name: str
    checked: Callable[[ArrayLike, ArrayLike | None], tuple[FloatArray, FloatArray]]
    step: Callable[[Any, Any], tuple[Any, Any]]

    def __call__(self, kept: ArrayLike,
                 sacrificed: ArrayLike | None = None) -> tuple[FloatArray, FloatArray]:
        """The checked round (see :attr:`checked`)."""
        return self.checked(kept, sacrificed)


#: The schemes by name: BBPSSW (Bennett et al., PRL 76, 722 (1996)) and DEJMPS
#: (Deutsch et al., PRL 77, 2818 (1996)).
SCHEMES: Mapping[str, PurificationScheme] = MappingProxyType({
    "bbpssw": PurificationScheme("bbpssw", bell_diagonal.bbpssw, bell_diagonal.bbpssw_step),
    "dejmps": PurificationScheme("dejmps", bell_diagonal.dejmps, bell_diagonal.dejmps_step),
})


def scheme(name: str) -> PurificationScheme:
    """The purification scheme called ``name``.

    Raises
    ------
    KeyError
        If no scheme has that name (the message lists the known ones).
    """
    try:
        return SCHEMES[name]
    except KeyError:
        raise KeyError(f"unknown purification scheme {name!r} "
                       f"(known: {', '.join(SCHEMES)})") from None
