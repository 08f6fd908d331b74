"""Run a circuit on networked processors: local gate errors, teleported gates, idle qubits.

A circuit is a list of :class:`Gate` on qubit indices; a placement puts each qubit on a
processor (QPU). A two-qubit gate (``cx``, ``cz`` or ``cp``, controlled by its first qubit)
whose qubits sit on different QPUs is *non-local*: it is done by gate teleportation with one
pair (Eisert et al., PRA 62, 052317 (2000);
:func:`qfab.physics.teleported_gates.gate_teleportation_variants`), or by teleporting its
target there and back with two pairs (each teleportation the pair's Pauli channel on the
target; Bennett et al., PRL 70, 1895 (1993)). Each pair is given by its state when delivered,
its age at the moment of use and the depolarizing time constant of the memory holding it
(:func:`qfab.physics.memory.depolarizing_memory`), or directly by its Bell vector at use.
Local gates are followed by depolarizing channels of the QPU's error probabilities,
measurements flip with the QPU's readout error, and ``idle`` adds a Pauli channel on a qubit
before a gate (a data qubit's T1/T2 while it waited, from :mod:`qfab.dqc.timeline`).

The noisy circuit becomes a :class:`qfab.dqc.program.Program`, run by one of three
simulators: an exact density matrix up to :data:`MAX_QUBITS` qubits (``density``; exact
outcome probabilities, ``counts`` drawn from them), stim for Clifford circuits of any size
(``stim``), or state-vector trajectories up to
:data:`qfab.dqc.statevector.MAX_QUBITS` qubits (``statevector``). ``method="auto"`` takes the
first that applies, in that order. Bit strings follow Qiskit: classical bit 0 is the rightmost
character.
"""

from __future__ import annotations

import importlib.util
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from qfab.dqc import density
from qfab.dqc.program import Program, Step, Variant, pauli_variants
from qfab.physics.bell_diagonal import werner
from qfab.physics.memory import depolarizing_memory
from qfab.physics.teleported_gates import (
    data_teleportation_variants,
    depolarizing_channel,
    gate_teleportation_variants,
)

__all__ = ["ExecutionResult", "Gate", "LocalNoise", "PairUse", "build_program", "choose_method",
           "execute", "run_program"]

ONE_QUBIT = frozenset({"h", "x", "y", "z", "s", "sdg", "t", "tdg", "rz"})
TWO_QUBIT = frozenset({"cx", "cz", "cp"})
#: Largest circuit the density-matrix simulation accepts (memory grows as 16^n).
MAX_QUBITS = 10


@dataclass(frozen=True)
class Gate:
    """One operation of a circuit.

    Parameters
    ----------
    name : str
        ``h, x, y, z, s, sdg, t, tdg, rz`` (one qubit), ``cx, cz, cp`` (control first) or
        ``measure``.
    qubits : tuple of int
        The qubits it acts on.
    param : float, optional
        The angle of ``rz`` or ``cp`` in radians.
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
        Werner fidelity when the pair was delivered (the Phi+ weight of ``bell``).
    age_s : float
        Time it waited in memory before use, seconds.
    coherence_time_s : float
        Depolarizing time constant ``T`` of the pair in memory (``w`` decays as
        ``exp(-age/T)``; with both halves in memories of depolarizing time ``T_m`` each,
        ``T = T_m / 2``). ``inf`` for none.
    bell : tuple of float, optional
        The pair's Bell vector ``(Phi+, Psi-, Psi+, Phi-)`` when delivered (default: the
        Werner pair of ``fidelity``); see :meth:`from_bell`.
    """

    fidelity: float
    age_s: float = 0.0
    coherence_time_s: float = math.inf
    bell: tuple[float, float, float, float] | None = None

    @classmethod
    def from_bell(cls, bell: Sequence[float] | NDArray[np.float64], age_s: float = 0.0,
                  coherence_time_s: float = math.inf) -> PairUse:
        """A pair given by its Bell vector (already aged when ``age_s`` is 0)."""
        vector = np.clip(np.asarray(bell, dtype=np.float64), 0.0, 1.0)
        vector = vector / vector.sum()
        a, b, c, d = (float(x) for x in vector)
        return cls(a, age_s, coherence_time_s, (a, b, c, d))

    def __post_init__(self) -> None:
        if not 0.0 <= self.fidelity <= 1.0:
            raise ValueError(f"pair fidelity: must be in [0, 1], got {self.fidelity}")
        if not self.age_s >= 0.0:
            raise ValueError(f"pair age_s: must be >= 0, got {self.age_s}")
        if not self.coherence_time_s > 0.0:
            raise ValueError(f"pair coherence_time_s: must be > 0, got {self.coherence_time_s}")

    def bell_at_use(self) -> NDArray[np.float64]:
        """The Bell vector after ``age_s`` in memory."""
        start = werner(self.fidelity) if self.bell is None else np.array(self.bell)
        if self.age_s == 0.0 or math.isinf(self.coherence_time_s):
            return np.asarray(start, dtype=np.float64)
        return np.asarray(depolarizing_memory(start, self.age_s,
                                              coherence_time=self.coherence_time_s))

    def fidelity_at_use(self) -> float:
        """The fidelity (Phi+ weight) after ``age_s`` in memory."""
        return float(self.bell_at_use()[0])


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


Method = Literal["auto", "density", "stim", "statevector"]


@dataclass(frozen=True)
class ExecutionResult:
    """Outcome of :func:`execute`.

    Attributes
    ----------
    probabilities : dict
        Probability of every classical bit string (Qiskit order), zeros left out: exact with
        the ``density`` method, the sampled frequencies otherwise (``exact`` tells which).
    counts : dict
        Sampled counts over ``shots`` (empty for ``shots=0``).
    ebits : int
        Pairs consumed.
    pair_fidelities : tuple of float
        Fidelity of each pair at its use, in the order consumed.
    method : str
        The simulator that ran: ``density``, ``stim`` or ``statevector``.
    error_free_probability : float
        Probability that no gate, pair, idle period or read-out errs
        (:meth:`qfab.dqc.program.Program.error_free_probability`).
    """

    probabilities: dict[str, float]
    counts: dict[str, int] = field(default_factory=dict)
    ebits: int = 0
    pair_fidelities: tuple[float, ...] = ()
    method: str = "density"
    error_free_probability: float = 1.0

    @property
    def exact(self) -> bool:
        """Whether :attr:`probabilities` are exact (the density-matrix method)."""
        return self.method == "density"

    def success_probability(self, expected: str) -> float:
        """Probability of the bit string ``expected`` (exact or sampled, see :attr:`exact`)."""
        return self.probabilities.get(expected, 0.0)

    def success_standard_error(self, expected: str) -> float:
        """Standard error of :meth:`success_probability`: 0 when exact, else binomial over
        the shots."""
        shots = sum(self.counts.values())
        if self.exact or shots == 0:
            return 0.0
        p = self.success_probability(expected)
        return math.sqrt(p * (1.0 - p) / shots)


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
    idle: Sequence[Mapping[int, NDArray[np.float64]]] | None = None,
    method: Method = "auto",
    trajectories: int = 100,
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
    idle : sequence of mapping, optional
        One entry per operation of ``circuit``: qubit to the Pauli probabilities ``(p_I,
        p_X, p_Y, p_Z)`` it suffers before that operation.
    method : {"auto", "density", "stim", "statevector"}
        The simulator (see the module docstring).
    trajectories : int
        State-vector trajectories (at most ``shots``).

    Returns
    -------
    ExecutionResult

    Raises
    ------
    ValueError
        For an unknown gate, a qubit outside the placement, a circuit too large for the
        method, or a count of pairs that does not match the non-local gates.
    """
    program, fidelities = build_program(circuit, placement, pairs, noise=noise, scheme=scheme,
                                        idle=idle)
    return run_program(program, fidelities, shots=shots, seed=seed, method=method,
                       trajectories=trajectories)


def run_program(program: Program, fidelities: Sequence[float] = (), *, shots: int = 0,
                seed: int | None = None, method: Method = "auto", trajectories: int = 100
                ) -> ExecutionResult:
    """Run a program of :func:`build_program` (with the pairs' ``fidelities`` at use) on a
    simulator; the other parameters as for :func:`execute`.

    Raises
    ------
    ValueError
        For negative shots, or a program too large for the method (:func:`choose_method`).
    """
    if shots < 0:
        raise ValueError(f"shots: must be >= 0, got {shots}")
    chosen = choose_method(program, method)
    if chosen == "density":
        probabilities = _outcomes(density.run_program(program), program)
        counts = _sample(probabilities, shots, seed)
    else:
        if chosen == "stim":
            from qfab.dqc.stim_run import sample as stim_sample

            counts = stim_sample(program, shots, seed)
        else:
            from qfab.dqc.statevector import sample as statevector_sample

            counts = statevector_sample(program, shots, seed, trajectories)
        probabilities = {key: value / shots for key, value in counts.items()} if shots else {}
    return ExecutionResult(probabilities, counts, len(fidelities), tuple(fidelities), chosen,
                           program.error_free_probability())


def choose_method(program: Program, method: Method = "auto") -> str:
    """The simulator for ``program``: the one asked for, or with ``auto`` the exact density
    matrix up to :data:`MAX_QUBITS` qubits, stim for a Clifford circuit, else state vectors.

    Raises
    ------
    ValueError
        When the method cannot run the program (too many qubits, or stim and a non-Clifford
        gate).
    """
    from qfab.dqc.statevector import MAX_QUBITS as STATEVECTOR_QUBITS

    n = program.qubits
    clifford = program.clifford()
    has_stim = importlib.util.find_spec("stim") is not None
    if method == "auto":
        if n <= MAX_QUBITS:
            return "density"
        if clifford and (has_stim or n > STATEVECTOR_QUBITS):
            if not has_stim:
                raise ValueError(f"{n} qubits: a Clifford circuit this large needs stim "
                                 "(pip install 'qfab[dqc]')")
            return "stim"
        if n <= STATEVECTOR_QUBITS:
            return "statevector"
        raise ValueError(f"{n} qubits and non-Clifford gates: too large to simulate (the "
                         f"density matrix takes at most {MAX_QUBITS} qubits, state vectors "
                         f"{STATEVECTOR_QUBITS}; stim takes Clifford circuits of any size)")
    if method == "density" and n > MAX_QUBITS:
        raise ValueError(f"placement: {n} qubits, the density-matrix simulation takes at "
                         f"most {MAX_QUBITS}")
    if method == "stim" and not has_stim:
        raise ValueError("method stim: needs stim (pip install 'qfab[dqc]')")
    if method == "stim" and not clifford:
        raise ValueError("method stim: the circuit has non-Clifford gates (t, tdg, rz or cp "
                         "by other angles)")
    if method == "statevector" and n > STATEVECTOR_QUBITS:
        raise ValueError(f"placement: {n} qubits, the state-vector simulation takes at most "
                         f"{STATEVECTOR_QUBITS}")
    if method not in ("density", "stim", "statevector"):
        raise ValueError(f"method: must be auto, density, stim or statevector, got {method!r}")
    return method


def build_program(
    circuit: Sequence[Gate],
    placement: Mapping[int, str],
    pairs: Sequence[PairUse | float] = (),
    *,
    noise: LocalNoise | Mapping[str, LocalNoise] = LocalNoise(),
    scheme: Literal["gate", "data"] = "gate",
    idle: Sequence[Mapping[int, NDArray[np.float64]]] | None = None,
) -> tuple[Program, list[float]]:
    """The noisy :class:`~qfab.dqc.program.Program` of :func:`execute` (same parameters),
    with the fidelity at use of every pair consumed.

    Raises
    ------
    ValueError
        As :func:`execute`.
    """
    n = len(placement)
    if sorted(placement) != list(range(n)):
        raise ValueError("placement: must give a QPU for each qubit 0..n-1")
    if idle is not None and len(idle) != len(circuit):
        raise ValueError(f"idle: one entry per operation, got {len(idle)} for "
                         f"{len(circuit)}")
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

    steps: list[Step] = []
    fidelities: list[float] = []
    readout: dict[int, tuple[int, float]] = {}
    for index, gate in enumerate(circuit):
        for qubit, channel in sorted((idle[index] if idle is not None else {}).items()):
            if float(channel[0]) < 1.0:
                steps.append(Step("id", (qubit,), None, pauli_variants((qubit,), channel)))
        qpu = placement[gate.qubits[0]]
        local = _noise(qpu, noise)
        if gate.name == "measure":
            q = gate.qubits[0]
            clbit = q if gate.clbit is None else gate.clbit
            if clbit in readout:
                raise ValueError(f"measure: classical bit {clbit} written twice")
            readout[clbit] = (q, local.readout)
            continue
        if gate.name in TWO_QUBIT and placement[gate.qubits[1]] != qpu:
            used = [u.bell_at_use() for u in uses[len(fidelities):][:per_gate]]
            fidelities.extend(float(bell[0]) for bell in used)
            variants = (_gate_teleported(gate.qubits, used[0]) if scheme == "gate"
                        else _data_teleported(gate.qubits, used[0], used[1]))
        elif gate.name in TWO_QUBIT:
            variants = pauli_variants(gate.qubits, depolarizing_channel(local.two_qubit, 2))
        else:
            variants = pauli_variants(gate.qubits, depolarizing_channel(local.one_qubit, 1))
        steps.append(Step(gate.name, gate.qubits, gate.param, variants))
    return Program(n, tuple(steps), readout), fidelities


def _gate_teleported(qubits: tuple[int, ...], bell: NDArray[np.float64]
                     ) -> tuple[Variant, ...]:
    control = qubits[0]
    return tuple(Variant(p, ((control, pre),), ((control, post),))
                 for p, pre, post in gate_teleportation_variants(bell) if p > 0.0)


def _data_teleported(qubits: tuple[int, ...], there: NDArray[np.float64],
                     back: NDArray[np.float64]) -> tuple[Variant, ...]:
    target = qubits[1]
    return tuple(Variant(p, ((target, pre),), ((target, post),))
                 for p, pre, post in data_teleportation_variants(there, back) if p > 0.0)


def _outcomes(rho: density.Complex, program: Program) -> dict[str, float]:
    """Bit-string probabilities over the classical bits 0..max, Qiskit order."""
    readout = program.readout
    if not readout:
        return {}
    qubits = tuple(readout[c][0] for c in sorted(readout))
    probs = density.basis_probabilities(rho, qubits)
    for axis, clbit in enumerate(sorted(readout)):
        e = readout[clbit][1]
        if e:
            probs = (1.0 - e) * probs + e * np.flip(probs, axis=axis)
    out: dict[str, float] = {}
    for index in np.ndindex(probs.shape):
        p = float(probs[index])
        if p > 1e-15:
            out[program.bit_string(index)] = p
    return out


def _sample(probabilities: Mapping[str, float], shots: int, seed: int | None
            ) -> dict[str, int]:
    if shots == 0 or not probabilities:
        return {}
    keys = sorted(probabilities)
    p: NDArray[np.float64] = np.array([probabilities[k] for k in keys])
    draws = np.random.default_rng(seed).multinomial(shots, p / p.sum())
    return {k: int(c) for k, c in zip(keys, draws, strict=True) if c}
