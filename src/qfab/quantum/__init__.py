"""Pair-state formalisms for the event simulation.

:class:`BellDiagonalState` (default: four coefficients) and :class:`DensityMatrixState`
(full 4x4 density matrix) implement the same :class:`PairState` interface.
"""

from qfab.quantum.base import PairState
from qfab.quantum.bell_diagonal import BellDiagonalState
from qfab.quantum.density_matrix import DensityMatrixState

__all__ = ["BellDiagonalState", "DensityMatrixState", "PairState"]
