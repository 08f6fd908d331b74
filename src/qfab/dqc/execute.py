"""Run a small circuit on networked processors: local gate errors and teleported gates.

A circuit is a list of :class:`Gate` on qubit indices; a placement puts each qubit on a
processor (QPU). A two-qubit gate whose qubits sit on different QPUs is *non-local*: it is
done by gate teleportation with one pair (Eisert et al., PRA 62, 052317 (2000)), or by
teleporting its target there and back with two pairs, and becomes the ideal gate followed
by the Pauli channel of :mod:`qfab.physics.teleported_gates` for the pairs it uses. Each
pair is given by its fidelity when delivered, its age at the moment of use and the
depolarizing time constant of the memory holding it
(:func:`qfab.physics.memory.depolarizing_memory_fidelity`: ``w -> w exp(-age/T)``).
Local gates are followed by depolarizing channels of the QPU's error probabilities, and
measurements flip with the QPU's readout error.

The simulation is an exact density matrix (:mod:`qfab.dqc.density`), so the outcome
probabilities are exact; ``counts`` are drawn from them with a seeded generator. Bit
strings follow Qiskit: classical bit 0 is the rightmost character.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from qfab.dqc import density
from qfab.physics.bell_diagonal import werner
from qfab.physics.memory import depolarizing_memory_fidelity
from qfab.physics.teleported_gates import (
    data_teleported_gate_channel,
    depolarizing_channel,
    gate_teleportation_channel,
)

__all__ = ["ExecutionResult", "Gate", "LocalNoise", "PairUse", "execute"]

ONE_QUBIT = frozenset({"h", "x", "y", "z", "s", "sdg", "t", "tdg", "rz"})
TWO_QUBIT = frozenset({"cx", "cz"})
#: Largest circuit the density-matrix simulation accepts (memory grows as 16^n).
MAX_QUBITS = 10


@dataclass(frozen=True)
class Gate:
    """One operation of a circuit.

    Parameters
    ----------
    name : str
        ``h, x, y, z, s, sdg, t, tdg, rz`` (one qubit), ``cx, cz`` (control first) or
        ``measure``.
    qubits : tuple of int
        The qubits it acts on.
    param : float, optional
        The angle of ``rz`` in radians.
    clbit : int, optional
        The classical bit a ``measure`` writes (default: the qubit's index).
    """

    name: str
    qubits: tuple[int, ...]
    param: float | None = None
    clbit: int | None = None


@dataclass(frozen=True)
class PairUse:
    """An entangled pair consumed by a non-local gate.

    Parameters
    ----------
    fidelity : float
        Werner fidelity when the pair was delivered.
    age_s : float
        Time it waited in memory before use, seconds.
    coherence_time_s : float
        Depolarizing time constant ``T`` of the pair in memory (``w`` decays as
        ``exp(-age/T)``; with both halves in memories of depolarizing time ``T_m`` each,
        ``T = T_m / 2``). ``inf`` for none.
    """

    fidelity: float
    age_s: float = 0.0
    coherence_time_s: float = math.inf

    def __post_init__(self) -> None:
        if not 0.0 <= self.fidelity <= 1.0:
            raise ValueError(f"pair fidelity: must be in [0, 1], got {self.fidelity}")
        if not self.age_s >= 0.0:
            raise ValueError(f"pair age_s: must be >= 0, got {self.age_s}")
        if not self.coherence_time_s > 0.0:
            raise ValueError(f"pair coherence_time_s: must be > 0, got {self.coherence_time_s}")

    def fidelity_at_use(self) -> float:
        """The Werner fidelity after ``age_s`` in memory."""
        return float(depolarizing_memory_fidelity(self.fidelity, self.age_s,
                                                  coherence_time=self.coherence_time_s))


@dataclass(frozen=True)
class LocalNoise:
    """Errors of the local operations of one QPU (depolarizing probabilities).

    Parameters
    ----------
    one_qubit : float
        Depolarizing probability after every one-qubit gate.
    two_qubit : float
        Two-qubit depolarizing probability after every local two-qubit gate.
    readout : float
        Probability that a measurement reports the flipped bit.
    """

    one_qubit: float = 0.0
    two_qubit: float = 0.0
    readout: float = 0.0

    def __post_init__(self) -> None:
        for name in ("one_qubit", "two_qubit", "readout"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"local noise {name}: must be a probability in [0, 1], "
                                 f"got {value}")


@dataclass(frozen=True)
class ExecutionResult:
    """Outcome of :func:`execute`.

    Attributes
    ----------
    probabilities : dict
        Exact probability of every classical bit string (Qiskit order), zeros left out.
    counts : dict
        Sampled counts over ``shots`` (empty for ``shots=0``).
    ebits : int
        Pairs consumed.
    pair_fidelities : tuple of float
        Fidelity of each pair at its use, in the order consumed.
    """

    probabilities: dict[str, float]
    counts: dict[str, int] = field(default_factory=dict)
    ebits: int = 0
    pair_fidelities: tuple[float, ...] = ()

    def success_probability(self, expected: str) -> float:
        """Probability of the bit string ``expected``."""
        return self.probabilities.get(expected, 0.0)


def _check_gate(index: int, gate: Gate, n: int, measured: set[int]) -> None:
    where = f"gate {index} ({gate.name} on {list(gate.qubits)})"
    arity = 2 if gate.name in TWO_QUBIT else 1
    if gate.name not in ONE_QUBIT | TWO_QUBIT | {"measure"}:
        raise ValueError(f"{where}: unknown gate {gate.name!r}")
    if len(gate.qubits) != arity or len(set(gate.qubits)) != arity:
        raise ValueError(f"{where}: needs {arity} distinct qubit(s)")
    if any(not 0 <= q < n for q in gate.qubits):
        raise ValueError(f"{where}: qubit outside the placement's 0..{n - 1}")
    if measured & set(gate.qubits):
        raise ValueError(f"{where}: acts on a measured qubit (mid-circuit measurement is "
                         "not modelled)")
    if gate.clbit is not None and gate.clbit < 0:
        raise ValueError(f"{where}: classical bit must be >= 0, got {gate.clbit}")
    if gate.name == "rz" and gate.param is None:
        raise ValueError(f"{where}: rz needs an angle (param)")


def _noise(qpu: str, noise: LocalNoise | Mapping[str, LocalNoise]) -> LocalNoise:
    if isinstance(noise, LocalNoise):
        return noise
    return noise.get(qpu, LocalNoise())


def execute(
    circuit: Sequence[Gate],
    placement: Mapping[int, str],
    pairs: Sequence[PairUse | float] = (),
    *,
    noise: LocalNoise | Mapping[str, LocalNoise] = LocalNoise(),
    scheme: Literal["gate", "data"] = "gate",
    shots: int = 0,
    seed: int | None = None,
) -> ExecutionResult:
    """Simulate ``circuit`` placed on QPUs, non-local gates using the given pairs.

    Parameters
    ----------
    circuit : sequence of Gate
        The operations in order; no operation may follow a qubit's measurement.
    placement : mapping
        QPU name of every qubit ``0 .. n-1``.
    pairs : sequence of PairUse or float
        The pairs, in the order the non-local gates consume them (a float is a fresh
        Werner pair of that fidelity): one per non-local gate for ``scheme="gate"``, two
        (there, back) for ``scheme="data"``.
    noise : LocalNoise or mapping of QPU name to LocalNoise
        Local errors, for all QPUs or per QPU (a QPU left out is perfect). A two-qubit
        gate takes the noise of its control's QPU; a non-local gate's own local steps are
        taken as perfect (their errors belong in the pair's fidelity).
    scheme : {"gate", "data"}
        Gate teleportation (one pair) or teleporting the target there and back (two).
    shots : int
        Number of samples for ``counts`` (0: none).
    seed : int, optional
        Seed of the sampling.

    Returns
    -------
    ExecutionResult

    Raises
    ------
    ValueError
        For an unknown gate, a qubit outside the placement, too many qubits, or a count of
        pairs that does not match the non-local gates.
    """
    n = len(placement)
    if sorted(placement) != list(range(n)):
        raise ValueError("placement: must give a QPU for each qubit 0..n-1")
    if n > MAX_QUBITS:
        raise ValueError(f"placement: {n} qubits, the density-matrix simulation takes at "
                         f"most {MAX_QUBITS}")
    if shots < 0:
        raise ValueError(f"shots: must be >= 0, got {shots}")
    uses = [p if isinstance(p, PairUse) else PairUse(float(p)) for p in pairs]
    per_gate = 1 if scheme == "gate" else 2
    measured: set[int] = set()
    for index, gate in enumerate(circuit):
        _check_gate(index, gate, n, measured)
        if gate.name == "measure":
            measured.add(gate.qubits[0])
    non_local = sum(1 for g in circuit if g.name in TWO_QUBIT
                    and placement[g.qubits[0]] != placement[g.qubits[1]])
    if len(uses) != per_gate * non_local:
        raise ValueError(f"pairs: {non_local} non-local gate(s) with scheme {scheme!r} need "
                         f"{per_gate * non_local} pair(s), got {len(uses)}")

    rho = density.zero_state(n)
    fidelities: list[float] = []
    readout: dict[int, tuple[int, float]] = {}
    for gate in circuit:
        qpu = placement[gate.qubits[0]]
        local = _noise(qpu, noise)
        if gate.name == "measure":
            q = gate.qubits[0]
            clbit = q if gate.clbit is None else gate.clbit
            if clbit in readout:
                raise ValueError(f"measure: classical bit {clbit} written twice")
            readout[clbit] = (q, local.readout)
        elif gate.name in TWO_QUBIT:
            if placement[gate.qubits[1]] == qpu:
                channel = depolarizing_channel(local.two_qubit, 2)
            else:
                used = [u.fidelity_at_use() for u in uses[len(fidelities):][:per_gate]]
                fidelities.extend(used)
                bells = [werner(f) for f in used]
                channel = (gate_teleportation_channel(gate.name, bells[0]) if scheme == "gate"
                           else data_teleported_gate_channel(gate.name, bells[0], bells[1]))
            rho = _noisy_gate(rho, density.GATES[gate.name], channel, gate.qubits)
        else:
            unitary = (density.rz(float(gate.param or 0.0)) if gate.name == "rz"
                       else density.GATES[gate.name])
            rho = _noisy_gate(rho, unitary, depolarizing_channel(local.one_qubit, 1),
                              gate.qubits)
    probabilities = _outcomes(rho, readout)
    counts = _sample(probabilities, shots, seed)
    return ExecutionResult(probabilities, counts, len(fidelities), tuple(fidelities))


def _noisy_gate(rho: density.Complex, unitary: density.Complex, channel: NDArray[np.float64],
                qubits: tuple[int, ...]) -> density.Complex:
    """The gate followed by its Pauli channel, applied as one superoperator."""
    superoperator = density.pauli_superoperator(channel) @ density.unitary_superoperator(
        unitary)
    return density.apply_superoperator(rho, superoperator, qubits)


def _outcomes(rho: density.Complex, readout: Mapping[int, tuple[int, float]]
              ) -> dict[str, float]:
    """Bit-string probabilities over the classical bits 0..max, Qiskit order."""
    if not readout:
        return {}
    width = max(readout) + 1
    qubits = tuple(readout[c][0] for c in sorted(readout))
    probs = density.basis_probabilities(rho, qubits)
    for axis, clbit in enumerate(sorted(readout)):
        e = readout[clbit][1]
        if e:
            probs = (1.0 - e) * probs + e * np.flip(probs, axis=axis)
    out: dict[str, float] = {}
    clbits = sorted(readout)
    for index in np.ndindex(probs.shape):
        p = float(probs[index])
        if p <= 1e-15:
            continue
        bits = ["0"] * width
        for clbit, bit in zip(clbits, index, strict=True):
            bits[width - 1 - clbit] = str(bit)
        out["".join(bits)] = p
    return out


def _sample(probabilities: Mapping[str, float], shots: int, seed: int | None
            ) -> dict[str, int]:
    if shots == 0 or not probabilities:
        return {}
    keys = sorted(probabilities)
    p: NDArray[np.float64] = np.array([probabilities[k] for k in keys])
    draws = np.random.default_rng(seed).multinomial(shots, p / p.sum())
    return {k: int(c) for k, c in zip(keys, draws, strict=True) if c}
