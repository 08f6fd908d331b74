"""Bell-vector helpers shared by the schemes: swaps, memory decay, static characters."""

from __future__ import annotations

from typing import Any

import numpy as np

from qfab.engines.fast.schemes.base import CompiledPath
from qfab.physics import bell_diagonal, memory as memory_physics

__all__: list[str] = []


def _static_fidelity(path: CompiledPath, xp: Any) -> float:
    """Fidelity of every pair when no memory decoheres: swapped heralded states."""
    vector = xp.asarray(path.emitted[0])
    for j in range(path.links - 1):
        vector = _swap(xp, path, j, vector, xp.asarray(path.emitted[j + 1]))
    return float(vector[0])


def _swap(xp: Any, path: CompiledPath, repeater: int, left: Any, right: Any) -> Any:
    return bell_diagonal.swapped(left, right,
                                 gate_depolarization=float(path.depolarization[repeater]),
                                 measurement_error=float(path.measurement_error[repeater]))


def _rates(path: CompiledPath, node: int) -> memory_physics.DecayRates:
    """The character decay rates of the memory of node ``node`` along the path."""
    first, second, third = (float(rate) for rate in path.decay_rates[node])
    return (first, second, third)


def _decohered(xp: Any, path: CompiledPath, vector: Any, left_node: int, right_node: int,
               wait_left: Any, wait_right: Any) -> Any:
    out = memory_physics.stored(vector, wait_left, _rates(path, left_node))
    return memory_physics.stored(out, wait_right, _rates(path, right_node))


def _static_characters(path: CompiledPath) -> Any:
    """Klein-group characters of everything but memory decay: the heralded link states and
    the repeaters' gate channels (:func:`qfab.physics.bell_diagonal.characters`). Memory
    decay multiplies character ``k`` by ``exp(-sum_q t_q r_{q,k})`` over all stored qubits
    ``q`` (:func:`qfab.physics.memory.decayed_fidelity`), so a round's fidelity needs only
    those sums."""
    chi = np.prod(bell_diagonal.characters(path.emitted), axis=0)
    for j in range(path.links - 1):
        chi = chi * np.array(bell_diagonal.swap_noise_characters(
            float(path.depolarization[j]), float(path.measurement_error[j])))
    return chi


def _exposure_groups(path: CompiledPath, xp: Any) -> tuple[Any, Any]:
    """Characters and decay rates for :func:`qfab.physics.memory.decayed_fidelity`, with
    characters that decay alike merged: ``(chars (k + 1,), rates (nodes, k))`` on ``xp``.

    A character whose rate is 0 at every node never decays and joins ``chars[0]``;
    characters with equal rates at every node decay by the same factor and are summed. The
    fidelity is the same; the samplers then take one exponential per distinct rate column
    (one for a depolarizing memory or T1 = inf, two for T1/T2).
    """
    static = _static_characters(path)
    constant = float(static[0])
    columns: list[Any] = []
    weights: list[float] = []
    for k in range(3):
        column = path.decay_rates[:, k]
        if not column.any():
            constant += float(static[k + 1])
            continue
        for index, seen in enumerate(columns):
            if np.array_equal(seen, column):
                weights[index] += float(static[k + 1])
                break
        else:
            columns.append(column)
            weights.append(float(static[k + 1]))
    rates = np.stack(columns, axis=1) if columns else np.zeros((path.links + 1, 0))
    return xp.asarray(np.array([constant, *weights])), xp.asarray(rates)
