"""Bell-vector helpers shared by the schemes: swaps, memory decay, static characters."""

from __future__ import annotations

from typing import Any

import numpy as np

from qfab.engines.fast import kernels
from qfab.engines.fast.schemes.base import CompiledPath

__all__: list[str] = []


def _static_fidelity(path: CompiledPath, xp: Any) -> float:
    """Fidelity of every pair when no memory decoheres: swapped heralded states."""
    vector = xp.asarray(path.emitted[0])
    for j in range(path.links - 1):
        vector = _swap(xp, path, j, vector, xp.asarray(path.emitted[j + 1]))
    return float(vector[0])


def _swap(xp: Any, path: CompiledPath, repeater: int, left: Any, right: Any) -> Any:
    out = kernels.convolve(xp, left, right)
    error = float(path.measurement_error[repeater])
    if error:
        out = kernels.convolve(xp, out, kernels.measurement_channel(xp, error))
    return kernels.depolarize(xp, out, float(path.depolarization[repeater]))


def _decohered(xp: Any, path: CompiledPath, vector: Any, left_node: int, right_node: int,
               wait_left: Any, wait_right: Any) -> Any:
    out = kernels.convolve(xp, vector, kernels.decay_channel(
        xp, wait_left, float(path.t1[left_node]), float(path.t2[left_node])))
    return kernels.convolve(xp, out, kernels.decay_channel(
        xp, wait_right, float(path.t1[right_node]), float(path.t2[right_node])))


def _static_characters(path: CompiledPath) -> Any:
    """Klein-group characters of everything but memory decay: the heralded link states and
    the repeaters' gate channels (:func:`qfab.engines.fast.kernels.characters`). Memory
    decay multiplies characters 1, 2, 3 by ``exp(-sum_q t_q / T1_q)`` and
    ``exp(-sum_q t_q / T2_q)`` over all stored qubits, so a round's fidelity needs only
    those two sums."""
    chi = np.prod(kernels.characters(np, path.emitted), axis=0)
    for j in range(path.links - 1):
        gate = kernels.depolarize(np, kernels.measurement_channel(
            np, float(path.measurement_error[j])), float(path.depolarization[j]))
        chi = chi * kernels.characters(np, gate)
    return chi
